/*
 * acl_compat/runtime/callback.c - host callbacks, both of ACL's models.
 *
 *  - Model B, aclrtLaunchHostFunc: weir_launch_host(); fn runs on the
 *    device's host-callback thread and always blocks its stream.
 *  - Model A, aclrtLaunchCallback + Subscribe/Process/UnSubscribeReport: one
 *    weir reporter per subscribed thread id (the numeric pthread_self() of
 *    the thread that will call aclrtProcessReport). Callbacks run inside that
 *    thread's aclrtProcessReport.
 *
 * The thread-id -> reporter table is a short list under the facade lock
 * (subscription changes are rare; aclrtProcessReport holds the lock only to
 * find its reporter, never while waiting). A reporter is destroyed when its
 * last stream is unsubscribed and no thread is inside aclrtProcessReport on
 * it (`users`), so a processing thread never uses a destroyed reporter.
 *
 * aclFinalize (weir__acl_reports_teardown) unlinks every record and destroys
 * its weir reporter, which wakes every thread waiting inside
 * aclrtProcessReport on it, with or without a time-out. A record with such
 * users is not freed there: it is marked `finalized` and the last user frees
 * it, so nothing is freed while a waiter still holds it; each of them
 * returns ACL_ERROR_UNINITIALIZE (100001), what aclrtProcessReport returns
 * after aclFinalize anyway.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/alloc.h"

#include <pthread.h>
#include <string.h>

struct weir_acl_rep {
	uint64_t tid;              /* L */
	bool host;                 /* L: aclrtSubscribeHostFunc's (else SubscribeReport's) */
	weir_reporter_t *rep;      /* L */
	uint32_t users;            /* L: threads inside aclrtProcessReport */
	bool finalized;            /* L: unlinked by aclFinalize; the last user frees it */
	uint32_t nstreams;         /* L */
	uint32_t cap;              /* L */
	weir_stream_t **streams;   /* L: subscribed streams */
	struct weir_acl_rep *next; /* L */
};

static struct weir_acl_rep *weir_acl_reps; /* L */

/* Lock held. */
static struct weir_acl_rep *weir_acl_rep_find_locked(uint64_t tid, bool host)
{
	for (struct weir_acl_rep *r = weir_acl_reps; r; r = r->next)
		if (r->tid == tid && r->host == host)
			return r;
	return NULL;
}

/* Lock held: unlink r (the caller destroys it after unlocking). */
static void weir_acl_rep_unlink_locked(struct weir_acl_rep *r)
{
	for (struct weir_acl_rep **pp = &weir_acl_reps; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			return;
		}
	}
}

static void weir_acl_rep_free(struct weir_acl_rep *r)
{
	weir_reporter_destroy(r->rep);
	weir__free(r->streams);
	weir__free(r);
}

void weir__acl_reports_teardown(void)
{
	struct weir_acl_rep *r = weir_acl_reps;
	weir_acl_reps = NULL;
	while (r) {
		struct weir_acl_rep *n = r->next;
#ifdef WEIR_BUSTED_FINALIZE_NO_WAKE
		/* BUSTED (finalize_no_wake): the record is freed under the threads
		 * waiting in aclrtProcessReport on it, as before the fix. */
		weir_acl_rep_free(r);
#else
		/* Wakes every thread waiting in weir_reporter_process() on it. */
		weir_reporter_destroy(r->rep);
		r->rep = NULL;
		r->nstreams = 0;
		if (r->users)
			r->finalized = true; /* the last user frees it */
		else
			weir_acl_rep_free(r);
#endif
		r = n;
	}
}

uint32_t weir__acl_report_waiters(void)
{
	uint32_t n = 0;
	weir__acl_lock();
	for (struct weir_acl_rep *r = weir_acl_reps; r; r = r->next)
		n += r->users;
	weir__acl_unlock();
	return n;
}

static aclError weir_acl_subscribe(uint64_t threadId, aclrtStream stream, bool host,
                                   const char *api)
{
	weir_stream_t *s;
	if (host && !stream)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "exeStream is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));

	weir__acl_lock();
	struct weir_acl_rep *r = weir_acl_rep_find_locked(threadId, host);
	bool fresh = false;
	if (!r) {
		r = weir__calloc(1, sizeof *r);
		if (!r) {
			weir__acl_unlock();
			return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
		}
		int st = weir_reporter_create(weir__acl_runtime(), &r->rep);
		if (st != WEIR_OK) {
			weir__free(r);
			weir__acl_unlock();
			return weir__acl_fail_weir(st, api, "cannot create the report queue");
		}
		r->tid = threadId;
		r->host = host;
		fresh = true;
	}
	if (r->nstreams == r->cap) {
		uint32_t ncap = r->cap ? r->cap * 2 : 4;
		weir_stream_t **ns = weir__realloc(r->streams, ncap * sizeof *ns);
		if (!ns) {
			if (fresh)
				weir_acl_rep_free(r);
			weir__acl_unlock();
			return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
		}
		r->streams = ns;
		r->cap = ncap;
	}
	int st = host ? weir_stream_subscribe_host(s, r->rep) : weir_stream_subscribe(s, r->rep);
	if (st != WEIR_OK) {
		if (fresh)
			weir_acl_rep_free(r);
		weir__acl_unlock();
		if (st == WEIR_ESUBSCRIBED)
			return weir__acl_fail(ACL_ERROR_RT_STREAM_SUBSCRIBE, api,
			                      "stream %p already has a subscribed report thread",
			                      stream);
		if (st == WEIR_EFOREIGN)
			return weir__acl_fail(
			        ACL_ERROR_RT_STREAM_SUBSCRIBE, api,
			        "thread %llu already serves streams of another device",
			        (unsigned long long)threadId);
		return weir__acl_fail_weir(st, api, "subscribing the stream");
	}
	r->streams[r->nstreams++] = s;
	if (fresh) {
		r->next = weir_acl_reps;
		weir_acl_reps = r;
	}
	weir__acl_unlock();
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSubscribeReport(uint64_t threadId, aclrtStream stream)
{
	return weir_acl_subscribe(threadId, stream, false, "aclrtSubscribeReport");
}

ACL_FUNC_VISIBILITY aclError aclrtSubscribeHostFunc(uint64_t hostFuncThreadId,
                                                    aclrtStream exeStream)
{
	return weir_acl_subscribe(hostFuncThreadId, exeStream, true, "aclrtSubscribeHostFunc");
}

static aclError weir_acl_unsubscribe(uint64_t threadId, aclrtStream stream, bool host,
                                     const char *api)
{
	weir_stream_t *s;
	if (host && !stream)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "exeStream is NULL");
	if (stream) {
		if (!weir__acl_runtime())
			return weir__acl_fail(
			        ACL_ERROR_UNINITIALIZE, api,
			        "aclInit has not been called (weir has no runtime yet)");
		s = (weir_stream_t *)stream; /* validated by weir below */
	} else {
		WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	}

	weir__acl_lock();
	struct weir_acl_rep *r = weir_acl_rep_find_locked(threadId, host);
	uint32_t i = 0;
	if (r)
		while (i < r->nstreams && r->streams[i] != s)
			i++;
	if (!r || i == r->nstreams) {
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_RT_STREAM_SUBSCRIBE, api,
		                      "stream %p is not subscribed to thread %llu", stream,
		                      (unsigned long long)threadId);
	}
	int st =
	        host ? weir_stream_unsubscribe_host(s, r->rep) : weir_stream_unsubscribe(s, r->rep);
	/* A destroyed stream is forgotten too: nothing more can reach it. */
	if (st == WEIR_OK || st == WEIR_EHANDLE) {
		r->streams[i] = r->streams[--r->nstreams];
		if (r->nstreams == 0 && r->users == 0)
			weir_acl_rep_unlink_locked(r);
		else
			r = NULL;
	} else {
		r = NULL;
	}
	weir__acl_unlock();
	if (r && r->nstreams == 0)
		weir_acl_rep_free(r);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "unsubscribing the stream");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtUnSubscribeReport(uint64_t threadId, aclrtStream stream)
{
	return weir_acl_unsubscribe(threadId, stream, false, "aclrtUnSubscribeReport");
}

ACL_FUNC_VISIBILITY aclError aclrtUnSubscribeHostFunc(uint64_t hostFuncThreadId,
                                                      aclrtStream exeStream)
{
	return weir_acl_unsubscribe(hostFuncThreadId, exeStream, true, "aclrtUnSubscribeHostFunc");
}

static aclError weir_acl_process(int32_t timeout, bool host, const char *api)
{
	if (timeout == 0 || timeout < -1)
		return weir__acl_fail(host ? ACL_ERROR_RT_PARAM_INVALID : ACL_ERROR_INVALID_PARAM,
		                      api, "timeout %d is invalid (must be -1 or > 0)",
		                      (int)timeout);
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	uint64_t tid = (uint64_t)pthread_self();
	weir__acl_lock();
	if (!weir__acl_runtime()) { /* aclFinalize came in between */
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "aclFinalize was called");
	}
	struct weir_acl_rep *r = weir_acl_rep_find_locked(tid, host);
	if (!r || r->nstreams == 0) {
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_RT_THREAD_SUBSCRIBE, api,
		                      "the calling thread (%llu) is not subscribed to any stream "
		                      "(%s)",
		                      (unsigned long long)tid,
		                      host ? "aclrtSubscribeHostFunc" : "aclrtSubscribeReport");
	}
	r->users++;
	weir_reporter_t *rep = r->rep;
	weir__acl_unlock();

	int64_t ns = timeout == -1 ? WEIR_TIMEOUT_INFINITE : (int64_t)timeout * 1000000;
	int st = weir_reporter_process(rep, ns);

	weir__acl_lock();
	r->users--;
	bool finalized = r->finalized;
	bool dead = r->nstreams == 0 && r->users == 0;
	if (dead && !finalized) /* a finalized record is unlinked already */
		weir_acl_rep_unlink_locked(r);
	weir__acl_unlock();
	if (dead)
		weir_acl_rep_free(r);

	if (finalized)
		return weir__acl_fail(
		        ACL_ERROR_UNINITIALIZE, api,
		        "aclFinalize was called while this thread waited for a callback");

	if (st == WEIR_ETIMEDOUT)
		return weir__acl_fail(ACL_ERROR_RT_REPORT_TIMEOUT, api,
		                      "no %s arrived within %d ms",
		                      host ? "host function" : "callback", (int)timeout);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "processing a callback");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtProcessReport(int32_t timeout)
{
	return weir_acl_process(timeout, false, "aclrtProcessReport");
}

ACL_FUNC_VISIBILITY aclError aclrtProcessHostFunc(int32_t timeout)
{
	return weir_acl_process(timeout, true, "aclrtProcessHostFunc");
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchCallback(aclrtCallback fn, void *userData,
                                                 aclrtCallbackBlockType blockType,
                                                 aclrtStream stream)
{
	static const char api[] = "aclrtLaunchCallback";
	weir_stream_t *s;
	if (blockType != ACL_CALLBACK_NO_BLOCK && blockType != ACL_CALLBACK_BLOCK)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "blockType %d is invalid",
		                      (int)blockType);
	if (!fn)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "fn is NULL");
	struct weir_stream *found;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_found(stream, &s, &found));
	bool block = blockType == ACL_CALLBACK_BLOCK;
	int st = found ? weir__launch_callback_found(found, fn, userData, block) : WEIR_EAGAIN;
	weir__rcu_read_unlock();
	if (st == WEIR_EAGAIN)
		st = weir_launch_callback(s, fn, userData, block);
	if (st == WEIR_ENOSUB)
		return weir__acl_fail(ACL_ERROR_RT_STREAM_NO_CB_REG, api,
		                      "stream %p has no subscribed report thread "
		                      "(call aclrtSubscribeReport first)",
		                      stream);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(st, s, api, "queueing the callback");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchHostFunc(aclrtStream stream, aclrtHostFunc fn, void *args)
{
	static const char api[] = "aclrtLaunchHostFunc";
	weir_stream_t *s;
	if (!fn)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "fn is NULL");
	struct weir_stream *found;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_found(stream, &s, &found));
	int st = found ? weir__launch_host_found(found, fn, args) : WEIR_EAGAIN;
	weir__rcu_read_unlock();
	if (st == WEIR_EAGAIN)
		st = weir_launch_host(s, fn, args);
	if (st == WEIR_ESUBSCRIBED)
		return weir__acl_fail(ACL_ERROR_RT_STREAM_SUBSCRIBE, api,
		                      "stream %p is subscribed for aclrtLaunchCallback; the two "
		                      "callback models cannot be mixed on one stream",
		                      stream);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(st, s, api, "queueing the host function");
	return ACL_SUCCESS;
}
