/*
 * acl_compat/mdl/cond.c - aclmdlRICondHandleCreate, aclmdlRICondHandleGetCondPtr, aclmdlRIAddCondTask: conditional tasks over a 64-bit condition word in device memory owned by the RI (the RI table: mdl/mdl.h).
 */
#include "acl_compat/mdl/mdl.h"
#include "base/alloc.h"
#include "weir/mem.h"

#include <stdlib.h>

struct weir_acl_ktype weir__acl_mdl_ktype = { "acl.mdl", 0 };

/* Condition words of destroyed models whose RI may still be replayed. */
static struct weir_acl_cond_word *weir_acl_graves; /* L(weir__acl_mdl_mu) */

/* weir_ri_on_free: the RI's last replay retired; nothing reads the word. */
static void weir_acl_cond_word_dead(void *p)
{
	struct weir_acl_cond_word *cw = p;
	weir_store_release(&cw->dead, 1); /* CW-R1: pairs with CW-A1 in the sweep */
}

void weir__acl_mdl_bury_locked(struct weir_acl_ri *e)
{
	for (struct weir_acl_ri_cond *c = e->conds; c; c = c->next) {
		c->cw->next = weir_acl_graves;
		weir_acl_graves = c->cw;
		c->cw = NULL;
	}
}

void weir__acl_mdl_sweep(weir_mem_t *m, bool all)
{
	struct weir_acl_cond_word *free_list = NULL;
	pthread_mutex_lock(&weir__acl_mdl_mu);
	for (struct weir_acl_cond_word **pp = &weir_acl_graves; *pp;) {
		struct weir_acl_cond_word *cw = *pp;
		/* CW-A1: acquire - the RI's replays are over. */
		if (all || weir_load_acquire(&cw->dead)) {
			*pp = cw->next;
			cw->next = free_list;
			free_list = cw;
		} else {
			pp = &cw->next;
		}
	}
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	while (free_list) {
		struct weir_acl_cond_word *n = free_list->next;
		if (m && free_list->word)
			(void)weir_mem_free(m, free_list->word);
		weir__free(free_list);
		free_list = n;
	}
}

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
	weir__acl_mdl_sweep(m, false);
	struct weir_acl_ri_cond *c = weir__calloc(1, sizeof(*c));
	struct weir_acl_cond_word *cw = weir__calloc(1, sizeof(*cw));
	if (!c || !cw) {
		weir__free(c);
		weir__free(cw);
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	}
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir__acl_mdl_get_locked(modelRI, &e);
	if (rc != ACL_SUCCESS) {
		pthread_mutex_unlock(&weir__acl_mdl_mu);
		weir__free(c);
		weir__free(cw);
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
	bool hooked = false;
	if (st == WEIR_OK) {
		cw->word = p;
		pthread_mutex_lock(&weir__acl_mdl_mu);
		e = weir__acl_mdl_find_locked(modelRI); /* destroyed meanwhile? */
		st = e ? WEIR_OK : WEIR_EHANDLE;
		if (st == WEIR_OK && flag == ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT)
			st = weir_ri_cond_default(e->ri, p, v);
		/* The word lives until the RI's memory goes (replays read it). */
		if (st == WEIR_OK)
			st = weir_ri_on_free(e->ri, weir_acl_cond_word_dead, cw);
		hooked = st == WEIR_OK;
		if (st == WEIR_OK &&
		    !weir__acl_kobj_publish(&weir__acl_mdl_ktype, &c->ko, WEIR_ACL_MDL_COND, NULL))
			st = WEIR_ENOMEM;
		if (st == WEIR_OK) {
			c->owner = e;
			c->cw = cw;
			c->next = e->conds;
			e->conds = c;
		} else if (hooked) {
			/* The hook holds cw: it goes to the graveyard, freed once
			 * the RI's memory goes. */
			cw->next = weir_acl_graves;
			weir_acl_graves = cw;
			cw = NULL;
		}
		pthread_mutex_unlock(&weir__acl_mdl_mu);
	}
	if (st != WEIR_OK) {
		if (p && cw)
			(void)weir_mem_free(m, p);
		weir__free(cw);
		weir__free(c);
		return weir__acl_fail_weir(st, api, "the condition word");
	}
	*handle = weir__acl_kobj_handle(&c->ko);
	return ACL_SUCCESS;
}

/* The word of a live condition handle; NULL for a stale or garbage value
 * (the registry checks the handle; its model's record unpublishes it). */
static uint64_t *weir_acl_cond_word(const void *h)
{
	struct weir_acl_kobj *o = weir__acl_kobj_get(&weir__acl_mdl_ktype, h, WEIR_ACL_MDL_COND);
	if (!o)
		return NULL;
	struct weir_acl_ri_cond *c = caa_container_of(o, struct weir_acl_ri_cond, ko);
	pthread_mutex_lock(&weir__acl_mdl_mu);
	uint64_t *w = c->cw ? c->cw->word : NULL; /* cw: L, cleared by the burial */
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	weir__acl_kobj_put(o);
	return w;
}

ACL_FUNC_VISIBILITY aclError aclmdlRICondHandleGetCondPtr(aclmdlRICondHandle handle, uint64_t **ptr)
{
	static const char api[] = "aclmdlRICondHandleGetCondPtr";
	if (!handle || !ptr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      handle ? "ptr" : "handle");
	uint64_t *w = weir_acl_cond_word(handle);
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
	weir_ri_t **bodies = weir__calloc(params.size, sizeof(*bodies));
	if (!bodies)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	uint64_t *w = weir_acl_cond_word(params.handle);
	pthread_mutex_lock(&weir__acl_mdl_mu);
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
		weir__free(bodies);
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "params.handle %p is not a condition of a live model",
		                      params.handle);
	}
	if (st == WEIR_ESTATE) {
		weir__free(bodies);
		return weir__acl_fail(ACL_ERROR_RT_STREAM_NOT_CAPTURED, api,
		                      "stream %p is not being captured", stream);
	}
	if (st != WEIR_OK) {
		weir__free(bodies);
		return weir__acl_fail_weir(st, api, "recording the conditional task");
	}
	for (uint32_t i = 0; i < params.size; i++)
		params.modelRIArray[i] = bodies[i];
	weir__free(bodies);
	if (made < params.size) /* the bodies exist; only our records lack */
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api,
		                      "out of memory recording the bodies");
	return ACL_SUCCESS;
}
