/*
 * acl_compat/mdl/cond.c - aclmdlRICondHandleCreate, aclmdlRICondHandleGetCondPtr, aclmdlRIAddCondTask: conditional tasks over a 64-bit condition word in device memory owned by the RI (the RI table: mdl/mdl.h).
 */
#include "acl_compat/mdl/mdl.h"
#include "weir/mem.h"

#include <stdlib.h>

/* ------------------------------------------------------------------------ */
/* Conditional tasks                                                         */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclmdlRICondHandleCreate(aclmdlRI modelRI, uint32_t defaultLaunchValue,
                                                      aclmdlRICondHandleFlag flag,
                                                      aclmdlRICondHandle *handle)
{
	static const char api[] = "aclmdlRICondHandleCreate";
	if (!handle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "handle is NULL");
	if ((int)flag != 0 && flag != ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "flag %d is not 0 or ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT",
		                      (int)flag);
	weir_mem_t *m = weir__acl_mem();
	if (!m)
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "aclInit has not been called");
	struct weir_acl_ri_cond *c = calloc(1, sizeof(*c));
	if (!c)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir__acl_mdl_get_locked(modelRI, &e);
	if (rc != ACL_SUCCESS) {
		pthread_mutex_unlock(&weir__acl_mdl_mu);
		free(c);
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	}
	uint32_t dev = e->device;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	/* The word is device memory of the model's device, as aclrtMalloc
	 * makes it (32-byte padded), so aclrtMemcpy H2D into it works. Made
	 * outside the lock: a copy may wait. */
	void *p = NULL;
	int st = weir_mem_alloc(m, dev, 64, WEIR_MEM_NORMAL_ONLY, &p);
	uint64_t v = defaultLaunchValue;
	if (st == WEIR_OK)
		st = weir_mem_copy(m, p, sizeof(uint64_t), &v, sizeof v, WEIR_COPY_H2D);
	if (st == WEIR_OK) {
		pthread_mutex_lock(&weir__acl_mdl_mu);
		e = weir__acl_mdl_find_locked(modelRI); /* destroyed meanwhile? */
		st = e ? WEIR_OK : WEIR_EHANDLE;
		if (st == WEIR_OK && flag == ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT)
			st = weir_ri_cond_default(e->ri, p, v);
		if (st == WEIR_OK) {
			c->owner = e;
			c->word = p;
			c->next = e->conds;
			e->conds = c;
		}
		pthread_mutex_unlock(&weir__acl_mdl_mu);
	}
	if (st != WEIR_OK) {
		if (p)
			(void)weir_mem_free(m, p);
		free(c);
		return weir__acl_fail_weir(st, api, "the condition word");
	}
	*handle = c;
	return ACL_SUCCESS;
}

/* The word of a live condition handle (locked); NULL for a stale value. */
static uint64_t *weir_acl_cond_word_locked(const void *h)
{
	for (struct weir_acl_ri *e = weir__acl_mdl_ris; e; e = e->next)
		for (struct weir_acl_ri_cond *c = e->conds; c; c = c->next)
			if (c == h)
				return c->word;
	return NULL;
}

ACL_FUNC_VISIBILITY aclError aclmdlRICondHandleGetCondPtr(aclmdlRICondHandle handle, uint64_t **ptr)
{
	static const char api[] = "aclmdlRICondHandleGetCondPtr";
	if (!handle || !ptr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      handle ? "ptr" : "handle");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	uint64_t *w = weir_acl_cond_word_locked(handle);
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (!w)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "handle %p is not a condition of a live model", handle);
	*ptr = w;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIAddCondTask(aclmdlRICondTaskParams params, aclrtStream stream,
                                                 uint32_t flags)
{
	static const char api[] = "aclmdlRIAddCondTask";
	weir_stream_t *s;
	if (flags != 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "flags %u: only 0 is defined",
		                      (unsigned)flags);
	if (!params.handle || !params.modelRIArray)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "params.%s is NULL",
		                      params.handle ? "modelRIArray" : "handle");
	int type;
	switch (params.type) {
	case ACL_MODEL_RI_COND_TYPE_IF:
		type = WEIR_COND_IF;
		if (params.size < 1 || params.size > 2)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "an IF task takes 1 or 2 bodies, not %u",
			                      (unsigned)params.size);
		break;
	case ACL_MODEL_RI_COND_TYPE_WHILE:
		type = WEIR_COND_WHILE;
		if (params.size != 1)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "a WHILE task takes 1 body, not %u",
			                      (unsigned)params.size);
		break;
	case ACL_MODEL_RI_COND_TYPE_SWITCH:
		type = WEIR_COND_SWITCH;
		if (params.size < 1)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "a SWITCH task takes at least 1 body");
		break;
	default:
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "params.type %d is not an aclmdlRICondTaskType",
		                      (int)params.type);
	}
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	weir_ri_t **bodies = calloc(params.size, sizeof(*bodies));
	if (!bodies)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	uint64_t *w = weir_acl_cond_word_locked(params.handle);
	weir_ri_t *cur = NULL;
	int st = w ? weir_capture_ri(s, &cur) : WEIR_OK;
	if (w && st == WEIR_OK)
		st = weir_ri_add_cond(s, type, w, params.size, bodies);
	struct weir_acl_ri *parent = w ? weir__acl_mdl_find_locked(cur) : NULL;
	uint32_t dev = parent ? parent->device : 0;
	uint32_t made = 0;
	if (w && st == WEIR_OK)
		for (; made < params.size; made++)
			if (!weir__acl_mdl_add_locked(bodies[made], dev, false, parent))
				break;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (!w) {
		free(bodies);
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "params.handle %p is not a condition of a live model",
		                      params.handle);
	}
	if (st == WEIR_ESTATE) {
		free(bodies);
		return weir__acl_fail(ACL_ERROR_RT_STREAM_NOT_CAPTURED, api,
		                      "stream %p is not being captured", stream);
	}
	if (st != WEIR_OK) {
		free(bodies);
		return weir__acl_fail_weir(st, api, "recording the conditional task");
	}
	for (uint32_t i = 0; i < params.size; i++)
		params.modelRIArray[i] = bodies[i];
	free(bodies);
	if (made < params.size) /* the bodies exist; only our records lack */
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api,
		                      "out of memory recording the bodies");
	return ACL_SUCCESS;
}
