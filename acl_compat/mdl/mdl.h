/*
 * acl_compat/mdl/mdl.h - what the aclmdlRI* files share: the facade's table
 * of RIs (mdl/capture.c) and its lock. Private to acl_compat/mdl/.
 *
 * Files: capture.c (the table, capture, task groups, replay, life cycle,
 * names, destroy callbacks), build.c (aclmdlRIBuild*, bound streams),
 * task.c (streams, recorded tasks and their parameters, debug dumps),
 * cond.c (condition handles and conditional tasks).
 *
 * Guard legend: I immutable after the entry is linked; L weir__acl_mdl_mu.
 */
#ifndef WEIR_ACL_MDL_H
#define WEIR_ACL_MDL_H

#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "acl_compat/kobj.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define WEIR_ACL_RI_NAME_MAX 128

struct weir_acl_ri;

/* Task and condition handles are registry objects (one type, kind
 * checked: kobj.h), unpublished when their model's record goes. */
enum { WEIR_ACL_MDL_TASK = 1, WEIR_ACL_MDL_COND = 2 };
extern struct weir_acl_ktype weir__acl_mdl_ktype;

struct weir_acl_ri_task {
	struct weir_acl_kobj ko;       /* the handle */
	struct weir_acl_ri *owner;     /* I */
	uint32_t stream;               /* I: captured-stream index (0: origin) */
	uint32_t seq;                  /* I */
	struct weir_acl_ri_task *next; /* L */
};

/* A condition word's life: replays read it until the native RI's memory
 * goes (weir_ri_on_free sets `dead`), which may be after aclmdlRIDestroy;
 * the destroyed model's words wait in the graveyard (mdl/cond.c) until
 * then. */
struct weir_acl_cond_word {
	_Atomic uint32_t dead;           /* A: CW-R1 / CW-A1 */
	uint64_t *word;                  /* I: device memory (weir_mem_alloc) */
	struct weir_acl_cond_word *next; /* L: the graveyard */
};

struct weir_acl_ri_cond {
	struct weir_acl_kobj ko;       /* the handle */
	struct weir_acl_ri *owner;     /* I */
	struct weir_acl_cond_word *cw; /* L: NULL once buried */
	struct weir_acl_ri_cond *next; /* L */
};

/* Move e's condition words to the graveyard and free those whose RI has
 * gone (locked; m NULL: after aclFinalize destroyed the runtime, free the
 * records only). */
void weir__acl_mdl_bury_locked(struct weir_acl_ri *e);
void weir__acl_mdl_sweep(weir_mem_t *m, bool all);

struct weir_acl_ri_cb {
	aclrtCallback fn;
	void *user;
	struct weir_acl_ri_cb *next;
};

struct weir_acl_ri {
	weir_ri_t *ri;              /* I */
	uint32_t device;            /* I: the device of the context that made it */
	bool built;                 /* I: aclmdlRIBuildBegin */
	struct weir_acl_ri *parent; /* I: a conditional body's owner, else NULL */
	/* A capture begun through the facade (aclmdlRICaptureBegin /
	 * ToModelRIBegin) and not ended yet: */
	bool capturing;                  /* L */
	weir_stream_t *origin;           /* L */
	pthread_t thread;                /* L */
	int mode;                        /* L: WEIR_CAPTURE_* */
	char name[WEIR_ACL_RI_NAME_MAX]; /* L */
	struct weir_acl_ri_cb *cbs;      /* L */
	struct weir_acl_ri_cond *conds;  /* L */
	struct weir_acl_ri_task *tasks;  /* L */
	weir_group_t *exec_group;        /* L: the group exec was made in */
	weir_stream_t *exec;             /* L: aclmdlRIExecute's stream */
	struct weir_acl_ri *next;        /* L */
};

/* The table (newest first) and its lock: never held while waiting on a
 * stream; native calls made under it never wait. Lock order: the facade
 * lock (aclFinalize) before weir__acl_mdl_mu; nothing under
 * weir__acl_mdl_mu takes the facade lock. */
extern pthread_mutex_t weir__acl_mdl_mu;
extern struct weir_acl_ri *weir__acl_mdl_ris; /* L */

/* The entry of RI handle ri, or NULL (locked). */
struct weir_acl_ri *weir__acl_mdl_find_locked(const void *ri);
/* Link a new entry (locked). NULL: out of memory. */
struct weir_acl_ri *weir__acl_mdl_add_locked(weir_ri_t *ri, uint32_t device, bool built,
                                             struct weir_acl_ri *parent);
/* The entry of a live RI handle, made on first sight (locked). ACL_SUCCESS
 * or the code, reason set (weir__acl_set_reason). */
aclError weir__acl_mdl_get_locked(aclmdlRI ri, struct weir_acl_ri **out);
/* Check a live RI handle (recorded for api on failure). */
aclError weir__acl_mdl_check(aclmdlRI ri, const char *api);

#endif /* WEIR_ACL_MDL_H */
