/*
 * acl_compat/mdl/task.c - aclmdlRIGetStreams, aclmdlRIGetTasksByStream, aclmdlRITask* (type, sequence number, parameters, disable), aclmdlRIKernelTaskGetAttribute, aclmdlRIDebugPrint, aclmdlRIDebugJsonPrint (the RI table: mdl/mdl.h).
 */
#include "acl_compat/mdl/mdl.h"
#include "base/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Streams and recorded tasks                                                */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclmdlRIGetStreams(aclmdlRI modelRI, aclrtStream *streams,
                                                uint32_t *numStreams)
{
	static const char api[] = "aclmdlRIGetStreams";
	if (!numStreams)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numStreams is NULL");
	if (!modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	weir_ri_info_t inf;
	int st = weir_ri_info((weir_ri_t *)modelRI, &inf);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "modelRI");
	if (!streams) {
		*numStreams = inf.streams;
		return ACL_SUCCESS;
	}
	if (*numStreams < inf.streams) {
		uint32_t have = *numStreams;
		*numStreams = inf.streams;
		return weir__acl_fail(ACL_ERROR_RT_INSUFFICIENT_INPUT_ARRAY, api,
		                      "the model has %u streams; the array holds %u",
		                      (unsigned)inf.streams, (unsigned)have);
	}
	for (uint32_t i = 0; i < inf.streams; i++) {
		weir_stream_t *s = NULL;
		st = weir_ri_stream((weir_ri_t *)modelRI, i, &s);
		if (st != WEIR_OK)
			return weir__acl_fail_weir(st, api, "a stream of the model");
		streams[i] = s;
	}
	*numStreams = inf.streams;
	return ACL_SUCCESS;
}

/* The newest RI in the table that recorded stream s, and the stream's index
 * in it (locked). */
static struct weir_acl_ri *weir_acl_ri_of_stream_locked(weir_stream_t *s, uint32_t *idx)
{
	for (struct weir_acl_ri *e = weir__acl_mdl_ris; e; e = e->next) {
		weir_ri_info_t inf;
		if (weir_ri_info(e->ri, &inf) != WEIR_OK)
			continue;
		for (uint32_t i = 0; i < inf.streams; i++) {
			weir_stream_t *h = NULL;
			if (weir_ri_stream(e->ri, i, &h) == WEIR_OK && h == s) {
				*idx = i;
				return e;
			}
		}
	}
	return NULL;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIGetTasksByStream(aclrtStream stream, aclmdlRITask *tasks,
                                                      uint32_t *numTasks)
{
	static const char api[] = "aclmdlRIGetTasksByStream";
	weir_stream_t *s;
	if (!numTasks)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numTasks is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	pthread_mutex_lock(&weir__acl_mdl_mu);
	uint32_t idx = 0, n = 0;
	struct weir_acl_ri *e = weir_acl_ri_of_stream_locked(s, &idx);
	int st = e ? weir_ri_stream_tasks(e->ri, idx, &n) : WEIR_OK;
	aclError rc = ACL_SUCCESS;
	if (!e) {
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "stream %p belongs to no live model", stream);
	} else if (st != WEIR_OK) {
		rc = weir__acl_fail_weir(st, api, "the stream's tasks");
	} else if (tasks && *numTasks < n) {
		rc = weir__acl_fail(ACL_ERROR_RT_INSUFFICIENT_INPUT_ARRAY, api,
		                    "the stream has %u tasks; the array holds %u", (unsigned)n,
		                    (unsigned)*numTasks);
		*numTasks = n;
	} else if (tasks) {
		for (uint32_t seq = 0; seq < n && rc == ACL_SUCCESS; seq++) {
			struct weir_acl_ri_task *t = NULL;
			for (t = e->tasks; t; t = t->next)
				if (t->stream == idx && t->seq == seq)
					break;
			if (!t) {
				t = weir__calloc(1, sizeof(*t));
				if (!t || !weir__acl_kobj_publish(&weir__acl_mdl_ktype, &t->ko,
				                                  WEIR_ACL_MDL_TASK, NULL)) {
					weir__free(t);
					rc = weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api,
					                    "out of memory");
					break;
				}
				t->owner = e;
				t->stream = idx;
				t->seq = seq;
				t->next = e->tasks;
				e->tasks = t;
			}
			tasks[seq] = weir__acl_kobj_handle(&t->ko);
		}
		if (rc == ACL_SUCCESS)
			*numTasks = n;
	} else {
		*numTasks = n;
	}
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	return rc;
}

/* Copy a live task object (locked); false for a stale or garbage value
 * (the registry checks the handle; its model's record unpublishes it). */
static bool weir_acl_task_find_locked(const void *h, struct weir_acl_ri_task *out)
{
	struct weir_acl_kobj *o = weir__acl_kobj_get(&weir__acl_mdl_ktype, h, WEIR_ACL_MDL_TASK);
	if (!o)
		return false;
	const struct weir_acl_ri_task *t = caa_container_of(o, struct weir_acl_ri_task, ko);
	out->owner = t->owner;
	out->stream = t->stream;
	out->seq = t->seq;
	weir__acl_kobj_put(o);
	return true;
}

/* Look a task up and read its native description. */
static aclError weir_acl_task_get(aclmdlRITask task, struct weir_acl_ri_task *t,
                                  weir_ri_task_desc_t *d, const char *api)
{
	if (!task)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "task is NULL");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	bool ok = weir_acl_task_find_locked(task, t);
	weir_ri_t *ri = ok ? t->owner->ri : NULL;
	int st = ok ? weir_ri_task_get(ri, t->stream, t->seq, d) : WEIR_OK;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (!ok)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "task %p is not a task of a live model", task);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "the recorded task");
	return ACL_SUCCESS;
}

static aclmdlRITaskType weir_acl_task_type(uint32_t kind)
{
	switch (kind) {
	case WEIR_RI_TASK_KERNEL: return ACL_MODEL_RI_TASK_KERNEL;
	case WEIR_RI_TASK_EVENT_RECORD: return ACL_MODEL_RI_TASK_EVENT_RECORD;
	case WEIR_RI_TASK_EVENT_WAIT: return ACL_MODEL_RI_TASK_EVENT_WAIT;
	case WEIR_RI_TASK_EVENT_RESET: return ACL_MODEL_RI_TASK_EVENT_RESET;
	case WEIR_RI_TASK_VALUE_WRITE: return ACL_MODEL_RI_TASK_VALUE_WRITE;
	case WEIR_RI_TASK_VALUE_WAIT: return ACL_MODEL_RI_TASK_VALUE_WAIT;
	default: return ACL_MODEL_RI_TASK_DEFAULT;
	}
}

static const char *weir_acl_task_type_name(aclmdlRITaskType t)
{
	static const char *const names[] = { "DEFAULT",    "KERNEL",      "EVENT_RECORD",
		                             "EVENT_WAIT", "EVENT_RESET", "VALUE_WRITE",
		                             "VALUE_WAIT" };
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskGetType(aclmdlRITask task, aclmdlRITaskType *type)
{
	static const char api[] = "aclmdlRITaskGetType";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!type)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "type is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*type = weir_acl_task_type(d.kind);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskGetSeqId(aclmdlRITask task, uint32_t *id)
{
	static const char api[] = "aclmdlRITaskGetSeqId";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!id)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "id is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*id = d.seq;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskGetParams(aclmdlRITask task, aclmdlRITaskParams *params)
{
	static const char api[] = "aclmdlRITaskGetParams";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!params)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "params is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	memset(params, 0, sizeof(*params));
	params->type = weir_acl_task_type(d.kind);
	switch (params->type) {
	case ACL_MODEL_RI_TASK_KERNEL: {
		aclmdlRIKernelTaskParams *k = &params->kernelTaskParams;
		void *fh = NULL, *ua = NULL;
		uint32_t ulen = 0;
		if (weir__acl_kernel_task_info(d.fn, d.args, &fh, &ua, &ulen) == 0) {
			k->funcHandle = fh; /* an aclrtLaunchKernel* launch: the user's view */
			k->args = ua;
			k->argsSize = ulen;
		} else {
			k->args = (void *)d.args; /* a weir kernel (aclnn op, copy): its block */
			k->argsSize = d.args_size;
		}
		k->isHostArgs = 0;
		k->numBlocks = d.nblocks;
		break;
	}
	case ACL_MODEL_RI_TASK_EVENT_RECORD:
	case ACL_MODEL_RI_TASK_EVENT_WAIT:
	case ACL_MODEL_RI_TASK_EVENT_RESET:
		/* The native event; the ACL handle wrapping it is not kept per
		 * task (the union's event member is the first in every kind). */
		params->eventRecordTaskParams.event = d.event;
		break;
	case ACL_MODEL_RI_TASK_VALUE_WRITE:
		params->valueWriteTaskParams.devAddr = d.addr;
		params->valueWriteTaskParams.value = d.value;
		break;
	case ACL_MODEL_RI_TASK_VALUE_WAIT:
		params->valueWaitTaskParams.devAddr = d.addr;
		params->valueWaitTaskParams.value = d.value;
		params->valueWaitTaskParams.flag = d.flags;
		break;
	default: break;
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskSetParams(aclmdlRITask task, aclmdlRITaskParams *params)
{
	static const char api[] = "aclmdlRITaskSetParams";
	struct weir_acl_ri_task t = { 0 };
	weir_ri_task_desc_t d;
	if (!params)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "params is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	aclmdlRITaskType type = weir_acl_task_type(d.kind);
	if (params->type != type)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "params->type %d differs from the task's type %d",
		                      (int)params->type, (int)type);
	weir_ri_task_desc_t in = d;
	switch (type) {
	case ACL_MODEL_RI_TASK_KERNEL: {
		const aclmdlRIKernelTaskParams *k = &params->kernelTaskParams;
		if (k->numBlocks == 0)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numBlocks is 0");
		void *fh = NULL, *ua = NULL;
		uint32_t ulen = 0;
		if (weir__acl_kernel_task_info(d.fn, d.args, &fh, &ua, &ulen) == 0) {
			/* An aclrtLaunchKernel* launch: its argument block is the
			 * facade's launch record, which weir cannot rebuild here. */
			if (k->funcHandle != fh || k->args != ua || k->argsSize != ulen)
				return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
				                      "for a task of aclrtLaunchKernel*, weir can "
				                      "change numBlocks only (funcHandle, args and "
				                      "argsSize must be those of "
				                      "aclmdlRITaskGetParams)");
		} else {
			if (k->funcHandle)
				return weir__acl_fail(
				        ACL_ERROR_INVALID_PARAM, api,
				        "the task is not an aclrtLaunchKernel* launch: "
				        "funcHandle must be NULL");
			if (!k->args || k->argsSize == 0)
				return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
				                      "args is NULL or argsSize is 0");
			in.args = k->args;
			in.args_size = k->argsSize;
		}
		in.nblocks = k->numBlocks;
		break;
	}
	case ACL_MODEL_RI_TASK_VALUE_WRITE:
		in.addr = params->valueWriteTaskParams.devAddr;
		in.value = params->valueWriteTaskParams.value;
		break;
	case ACL_MODEL_RI_TASK_VALUE_WAIT:
		in.addr = params->valueWaitTaskParams.devAddr;
		in.value = params->valueWaitTaskParams.value;
		in.flags = params->valueWaitTaskParams.flag;
		break;
	default:
		return weir__acl_fail(ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT, api,
		                      "only kernel and value tasks take new parameters");
	}
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri_task again;
	int st = weir_acl_task_find_locked(task, &again)
	                 ? weir_ri_task_set(again.owner->ri, t.stream, t.seq, &in)
	                 : WEIR_EHANDLE;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "staging the task's parameters");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskDisable(aclmdlRITask task)
{
	static const char api[] = "aclmdlRITaskDisable";
	if (!task)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "task is NULL");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri_task t;
	bool ok = weir_acl_task_find_locked(task, &t);
	int st = ok ? weir_ri_task_disable(t.owner->ri, t.stream, t.seq) : WEIR_OK;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (!ok)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "task %p is not a task of a live model", task);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "disabling the task");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIKernelTaskGetAttribute(aclmdlRITask task,
                                                            aclrtLaunchKernelAttrId attrId,
                                                            aclrtLaunchKernelAttrValue *attrValue)
{
	static const char api[] = "aclmdlRIKernelTaskGetAttribute";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!attrValue)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "attrValue is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (d.kind != WEIR_RI_TASK_KERNEL)
		return weir__acl_fail(ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT, api,
		                      "task %p is not a kernel task", task);
	uint32_t off = 0;
	uint64_t tns = 0;
	size_t local = 0;
	bool acl = weir__acl_kernel_task_cfg(d.fn, d.args, &off, &tns, &local) == 0;
	memset(attrValue, 0, sizeof(*attrValue));
	switch ((int)attrId) {
	case ACL_RT_LAUNCH_KERNEL_ATTR_SCHEM_MODE:
		attrValue->schemMode = 0; /* weir schedules every launch the same way */
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_DYN_UBUF_SIZE:
		attrValue->dynUBufSize = (uint32_t)local;
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_ENGINE_TYPE:
		attrValue->engineType = ACL_RT_ENGINE_TYPE_AIC;
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_BLOCKDIM_OFFSET:
		attrValue->blockDimOffset = off;
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT:
		attrValue->timeout = (uint16_t)(tns / 1000000000u);
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT_US:
		attrValue->timeoutUs.timeoutLow = (uint32_t)(tns / 1000u);
		attrValue->timeoutUs.timeoutHigh = (uint32_t)((tns / 1000u) >> 32);
		return ACL_SUCCESS;
	default:
		(void)acl;
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                      "attribute id %d is not recorded by weir (answered: "
		                      "SCHEM_MODE, DYN_UBUF_SIZE, ENGINE_TYPE, BLOCKDIM_OFFSET, "
		                      "TIMEOUT, TIMEOUT_US)",
		                      (int)attrId);
	}
}

/* ------------------------------------------------------------------------ */
/* Debug dumps                                                               */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclmdlRIDebugPrint(aclmdlRI modelRI)
{
	static const char api[] = "aclmdlRIDebugPrint";
	if (!modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	weir_ri_info_t inf;
	int st = weir_ri_info((weir_ri_t *)modelRI, &inf);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "modelRI");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = weir__acl_mdl_find_locked(modelRI);
	uint32_t dev = e ? e->device : 0;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	fprintf(stderr, "[weir] aclmdlRI model %u: device %u, %u streams, %u tasks, %u edges\n",
	        (unsigned)inf.id, (unsigned)dev, (unsigned)inf.streams, (unsigned)inf.tasks,
	        (unsigned)inf.edges);
	for (uint32_t i = 0; i < inf.streams; i++) {
		uint32_t n = 0;
		weir_stream_t *s = NULL;
		(void)weir_ri_stream((weir_ri_t *)modelRI, i, &s);
		(void)weir_ri_stream_tasks((weir_ri_t *)modelRI, i, &n);
		fprintf(stderr, "[weir]   stream %u (%p): %u tasks\n", (unsigned)i, (void *)s,
		        (unsigned)n);
		for (uint32_t q = 0; q < n; q++) {
			weir_ri_task_desc_t d;
			if (weir_ri_task_get((weir_ri_t *)modelRI, i, q, &d) != WEIR_OK)
				continue;
			fprintf(stderr, "[weir]     task seq %u type %s%s\n", (unsigned)d.seq,
			        weir_acl_task_type_name(weir_acl_task_type(d.kind)),
			        d.disabled ? " (disabled)" : "");
		}
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIDebugJsonPrint(aclmdlRI modelRI, const char *path,
                                                    uint32_t flags)
{
	static const char api[] = "aclmdlRIDebugJsonPrint";
	if (!modelRI || !path)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      modelRI ? "path" : "modelRI");
	if (flags != ACL_MDLRI_DEBUG_JSON_PRINT_SUMMARY &&
	    flags != ACL_MDLRI_DEBUG_JSON_PRINT_VERBOSE)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "flags %u is not ACL_MDLRI_DEBUG_JSON_PRINT_SUMMARY or "
		                      "_VERBOSE",
		                      (unsigned)flags);
	weir_ri_info_t inf;
	int st = weir_ri_info((weir_ri_t *)modelRI, &inf);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "modelRI");
	FILE *f = fopen(path, "w");
	if (!f)
		return weir__acl_fail(ACL_ERROR_WRITE_FILE, api, "cannot open %s for writing: %s",
		                      path, strerror(errno));
	/* chrome://tracing's JSON object form: one complete ("X") event per
	 * task, pid = model id, tid = stream index, ts = sequence number. */
	fprintf(f, "{\"modelId\":%u,\"streams\":%u,\"tasks\":%u,\"traceEvents\":[",
	        (unsigned)inf.id, (unsigned)inf.streams, (unsigned)inf.tasks);
	bool first = true;
	for (uint32_t i = 0; i < inf.streams; i++) {
		uint32_t n = 0;
		weir_stream_t *s = NULL;
		(void)weir_ri_stream((weir_ri_t *)modelRI, i, &s);
		(void)weir_ri_stream_tasks((weir_ri_t *)modelRI, i, &n);
		fprintf(f,
		        "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
		        "\"args\":{\"name\":\"stream %u\",\"stream\":\"%p\"}}",
		        first ? "" : ",", (unsigned)inf.id, (unsigned)i, (unsigned)i, (void *)s);
		first = false;
		for (uint32_t q = 0; q < n; q++) {
			weir_ri_task_desc_t d;
			if (weir_ri_task_get((weir_ri_t *)modelRI, i, q, &d) != WEIR_OK)
				continue;
			const char *tn = weir_acl_task_type_name(weir_acl_task_type(d.kind));
			fprintf(f,
			        ",\n{\"name\":\"%s\",\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%u,"
			        "\"dur\":1,\"args\":{\"stream_id\":%u,\"task_id\":%u,\"task_type\":"
			        "\"%s\",\"disabled\":%s",
			        tn, (unsigned)inf.id, (unsigned)i, (unsigned)q, (unsigned)i,
			        (unsigned)d.seq, tn, d.disabled ? "true" : "false");
			if (flags == ACL_MDLRI_DEBUG_JSON_PRINT_VERBOSE &&
			    d.kind == WEIR_RI_TASK_KERNEL)
				fprintf(f, ",\"args_size\":%zu,\"block_num\":%u", d.args_size,
				        (unsigned)d.nblocks);
			if (flags == ACL_MDLRI_DEBUG_JSON_PRINT_VERBOSE &&
			    (d.kind == WEIR_RI_TASK_VALUE_WRITE ||
			     d.kind == WEIR_RI_TASK_VALUE_WAIT))
				fprintf(f, ",\"addr\":\"%p\",\"value\":%" PRIu64, d.addr, d.value);
			fputs("}}", f);
		}
	}
	fputs("\n]}\n", f);
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad)
		return weir__acl_fail(ACL_ERROR_WRITE_FILE, api, "writing %s failed", path);
	return ACL_SUCCESS;
}
