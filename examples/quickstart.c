/* examples/quickstart.c - the README's 30-line tour of the native API. */
#include <stdio.h>
#include <weir/sched.h>

static int square(void *args, uint32_t block, uint32_t nblocks)
{
	int *v = *(int **)args; /* the argument block is copied */
	for (uint32_t i = block; i < 1024; i += nblocks)
		v[i] = (int)i * (int)i; /* blocks run on the device's workers */
	return 0;                       /* non-zero fails the task */
}

int main(void)
{
	static int v[1024];
	int *p = v;
	weir_runtime_t *rt;
	weir_group_t *g; /* a stream group = an ACL context */
	weir_stream_t *a, *b;
	weir_event_t *done;
	if (weir_runtime_create(NULL, &rt)) /* 8 devices, env overrides */
		return 1;
	weir_group_create(rt, 0, &g); /* device 0 */
	weir_stream_create(g, 0, 0, &a);
	weir_stream_create(g, 0, 0, &b);
	weir_event_create(rt, 0, WEIR_EVENT_DEFAULT, &done);
	weir_launch(a, square, &p, sizeof p, 4, 0); /* 4 blocks in parallel */
	weir_event_record(done, a);                 /* b waits for a without blocking the host */
	weir_stream_wait_event(b, done);
	int rc = weir_stream_sync(b, WEIR_TIMEOUT_INFINITE);
	printf("%s: v[1000] = %d\n", weir_strerror(rc), v[1000]);
	weir_event_destroy(done);
	weir_group_destroy(g); /* destroys its streams, draining them */
	weir_runtime_destroy(rt);
	return rc;
}
