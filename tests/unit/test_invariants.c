/*
 * Unit tests: the WEIR_ASSERT checks of the written invariants are live in a
 * debug-invariants build (-DWEIR_DEBUG_INVARIANTS=ON, the ASan lane).
 *
 * Each case forks a child that breaks one invariant through a white-box
 * call and expects it to abort with "weir: invariant violated: <name>". In
 * every other build the whole program is skipped (exit 77): there the checks
 * compile to nothing, which is what the release lane wants.
 *
 * Violations used (none touches freed memory, so the sanitizers stay quiet
 * and only the assertion can stop the child):
 *  - registry.c inv 1: retiring an object that is still published;
 *  - registry.c inv 3: returning a slot to the free list twice;
 *  - sync.h ec inv 1: an eventcount waiter leaving that never registered
 *    (an inline check, compiled into this program, so it also proves the
 *    definition reaches code outside the library).
 */
#include "common/oracle.h"

#include "base/registry.h"
#include "base/sync.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct tobj {
	struct weir_obj obj;
};

static void tobj_free(struct weir_obj *o)
{
	free(caa_container_of(o, struct tobj, obj));
}

typedef void (*violation_fn)(void);

/* Run fn in a child; the child must die of SIGABRT after printing the
 * invariant's name. A watchdog turns a hang into a failure. */
static void expect_violation(violation_fn fn, const char *name)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		alarm(20);
		fn();
		/* Reached only if the check did not fire. */
		fprintf(stderr, "child survived the violation\n");
		_exit(0);
	}
	close(fds[1]);
	char buf[4096];
	size_t len = 0;
	ssize_t r;
	alarm(30);
	while (len < sizeof(buf) - 1 && (r = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	buf[len] = '\0';
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	alarm(0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT ||
	    !strstr(buf, "invariant violated") || !strstr(buf, name))
		fail_msg("expected an abort naming '%s'; child status 0x%x, stderr:\n%s", name,
		         status, buf);
}

static void retire_published(void)
{
	struct tobj *t = calloc(1, sizeof(*t));
	if (!t || weir__reg_insert(&t->obj, WEIR_T_STREAM) != WEIR_OK)
		_exit(3);
	/* Still in its slot: a reader could find it after the grace period. */
	weir__obj_retire(&t->obj, tobj_free);
}

static void release_twice(void)
{
	struct tobj *t = calloc(1, sizeof(*t));
	if (!t || weir__reg_insert(&t->obj, WEIR_T_EVENT) != WEIR_OK)
		_exit(3);
	if (!weir__reg_remove(&t->obj))
		_exit(4);
	weir__reg_release(&t->obj);
	/* The slot is on the free list already: a second release would hand
	 * it out twice. */
	weir__reg_release(&t->obj);
}

static void ec_leave_unregistered(void)
{
	struct weir_ec ec;
	atomic_init(&ec.seq, 0);
	atomic_init(&ec.waiters, 0);
	weir__ec_cancel(&ec);
}

static void test_registry_retire_published(void **state)
{
	(void)state;
	expect_violation(retire_published, "registry.c inv 1");
}

static void test_registry_release_twice(void **state)
{
	(void)state;
	expect_violation(release_twice, "registry.c inv 3");
}

static void test_eventcount_underflow(void **state)
{
	(void)state;
	expect_violation(ec_leave_unregistered, "sync.h ec inv 1");
}

/* The same calls without a violation pass: the checks are not simply
 * aborting on every use. */
static void test_no_false_alarm(void **state)
{
	(void)state;
	struct tobj *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	WT_OK(weir__reg_insert(&t->obj, WEIR_T_EVENT));
	assert_true(weir__reg_remove(&t->obj));
	weir__reg_release(&t->obj);
	free(t);
	struct weir_ec ec;
	atomic_init(&ec.seq, 0);
	atomic_init(&ec.waiters, 0);
	(void)weir__ec_prepare(&ec);
	weir__ec_cancel(&ec);
	assert_int_equal(weir_load_relaxed(&ec.waiters), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_false_alarm),
		cmocka_unit_test(test_registry_retire_published),
		cmocka_unit_test(test_registry_release_twice),
		cmocka_unit_test(test_eventcount_underflow),
	};
#ifndef WEIR_DEBUG_INVARIANTS
	printf("skipped: built without -DWEIR_DEBUG_INVARIANTS=ON (the checks compile to "
	       "nothing)\n");
	(void)tests;
	return 77;
#else
	return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}
