/*
 * acl_compat/aclnn/nn.h - the aclnn facade's internals: its objects
 * (meta.c) and the plan builder every aclnn<Op>GetWorkspaceSize uses
 * (executor.c). The ops (the files of aclnn/ops/) are front ends onto the op library
 * in graph/ (weir_op_plan_*, weir/graph.h): an op here never computes
 * anything itself, it only plans op-library calls, casts and copies.
 *
 * How an aclnn<Op>GetWorkspaceSize reads (see ops/arith.c for examples):
 *
 *     nn_t b;
 *     nn_begin(&b, "aclnnAdd", workspaceSize, executor);
 *     nn_v x = nn_in(&b, self, "self");          // NULL -> 161001
 *     nn_v y = nn_in(&b, other, "other");
 *     nn_v o = nn_out(&b, out, "out");
 *     int dt = nn_result_type2(&b, x, y);        // PyTorch promotion
 *     nn_v r = nn_op(&b, "Add", NULL, 2, nn_cast(&b, x, dt), nn_cast(&b, y, dt));
 *     nn_store(&b, r, o);                       // shape check, cast, copy
 *     return nn_finish(&b);
 *
 * The builder keeps the first failure (code + message, through the one ACL
 * error path: aclGetRecentErrMsg) and turns every later call into a no-op
 * returning NN_BAD, so front ends are straight-line code; nn_finish()
 * returns the failure, or makes the executor. Values (nn_v) are the
 * plan's tensors: a user tensor (a view: strided and offset views are
 * gathered into a dense temporary first), a temporary in the workspace, or
 * a constant the executor owns. Every op-library call, cast and copy is a
 * step; aclnn<Op>() launches each step as one task on the stream (a plan of
 * one step, the common case, is one task).
 */
#ifndef WEIR_ACL_COMPAT_ACLNN_NN_H
#define WEIR_ACL_COMPAT_ACLNN_NN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "aclnn/aclnn_base.h"
#include "acl/acl_rt.h"
#include "weir/graph.h"
#include "acl_compat/kobj.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Objects (meta.c)                                                           */
/* ------------------------------------------------------------------------ */

enum nn_kind {
	NN_TENSOR = 1,
	NN_SCALAR,
	NN_INT_ARRAY,
	NN_FLOAT_ARRAY,
	NN_BOOL_ARRAY,
	NN_TENSOR_LIST,
	NN_SCALAR_LIST,
	NN_EXECUTOR,
};

/* Every aclnn object is a kobj (acl_compat/kobj.h) of the registry type
 * "aclnn" (meta.c), its kind one of enum nn_kind: the kind is checked on
 * lookup, the handle holds one reference and lookups take one. */
extern struct weir_acl_ktype nn_type;

/* Publish o (refs = 1, the handle's). false: registry full. */
static inline bool nn_obj_publish(struct weir_acl_kobj *o, enum nn_kind kind,
                                  void (*fini)(struct weir_acl_kobj *o))
{
	return weir__acl_kobj_publish(&nn_type, o, (uint32_t)kind, fini);
}
/* The live object of that kind named by h, with a reference; NULL for NULL,
 * destroyed, foreign or garbage handles (never dereferenced). */
static inline struct weir_acl_kobj *nn_obj_get(const void *h, enum nn_kind kind)
{
	return weir__acl_kobj_get(&nn_type, h, (uint32_t)kind);
}
static inline void nn_obj_ref(struct weir_acl_kobj *o)
{
	weir__acl_kobj_ref(o);
}
static inline void nn_obj_put(struct weir_acl_kobj *o)
{
	weir__acl_kobj_put(o);
}
/* Unpublish: true for the one caller that removed it; it then drops the
 * handle's reference. */
static inline bool nn_obj_unpublish(struct weir_acl_kobj *o)
{
	return weir__acl_kobj_unpublish(o);
}
static inline void *nn_obj_handle(const struct weir_acl_kobj *o)
{
	return weir__acl_kobj_handle(o);
}
/* Destroy by handle: NULL -> ACLNN_SUCCESS; not a live object of that kind
 * -> 161002 with a message. */
aclnnStatus nn_obj_destroy(const void *h, enum nn_kind kind, const char *api, const char *what);

/* What a plan needs of an aclTensor, copied out of the object. */
typedef struct nn_tensor_info {
	int32_t dtype; /* aclDataType = weir_dtype_t numbering */
	int32_t format;
	uint32_t rank;
	int64_t dims[WEIR_MAX_RANK];
	int64_t strides[WEIR_MAX_RANK]; /* elements */
	int64_t offset;                 /* elements */
	void *data;                     /* storage base address */
} nn_tensor_info_t;

/* A scalar's value: its dtype and both readings. */
typedef struct nn_scalar_info {
	int32_t dtype;
	double f;  /* as a double */
	int64_t i; /* as an int64 (exact for every integer dtype but uint64 > INT64_MAX) */
	bool b;    /* non-zero */
} nn_scalar_info_t;

/* Look up and copy. Return ACLNN_SUCCESS, or ACLNN_ERR_PARAM_INVALID for a
 * destroyed or foreign handle (the caller reports it; NULL is the caller's
 * check). */
aclnnStatus nn_tensor_get(const aclTensor *t, nn_tensor_info_t *out);
aclnnStatus nn_scalar_get(const aclScalar *s, nn_scalar_info_t *out);
/* Arrays: *out receives a malloc'd copy of the values (free()), *n the count. */
aclnnStatus nn_int_array_get(const aclIntArray *a, int64_t **out, uint64_t *n);
aclnnStatus nn_float_array_get(const aclFloatArray *a, float **out, uint64_t *n);
aclnnStatus nn_bool_array_get(const aclBoolArray *a, bool **out, uint64_t *n);
/* Lists: *out receives a malloc'd array of the element handles. */
aclnnStatus nn_tensor_list_get(const aclTensorList *l, const aclTensor ***out, uint64_t *n);
aclnnStatus nn_scalar_list_get(const aclScalarList *l, const aclScalar ***out, uint64_t *n);

/* A scalar's value stored as `dtype` (size weir_dtype_size(dtype)) into
 * dst, converting as a C cast would (float -> int truncates, saturating;
 * NaN -> 0; bool: != 0). */
void nn_scalar_store(const nn_scalar_info_t *s, int dtype, void *dst);

/* ------------------------------------------------------------------------ */
/* The plan builder (executor.c)                                              */
/* ------------------------------------------------------------------------ */

typedef int32_t nn_v; /* a value of the plan; NN_BAD after a failure */
#define NN_BAD  (-1)
#define NN_NONE (-2) /* an optional tensor that was NULL */

#define NN_MAX_STEP_IO 16 /* inputs or outputs of one op call */

struct nn_plan;
typedef struct nn_builder {
	const char *api; /* "aclnnAdd": prefixes messages */
	aclnnStatus status;
	struct nn_plan *p;
	uint64_t *workspace_size;
	aclOpExecutor **executor;
} nn_t;

/* Start a plan. workspace_size and executor are the caller's out-pointers;
 * a NULL one is recorded at once as a 161001 failure (so nn_finish returns
 * it), and *executor is set to NULL. */
void nn_begin(nn_t *b, const char *api, uint64_t *workspace_size, aclOpExecutor **executor);
/* Record a failure (the first one wins) and return NN_BAD. */
nn_v nn_fail(nn_t *b, aclnnStatus code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline bool nn_ok(const nn_t *b)
{
	return b->status == ACLNN_SUCCESS;
}
/* End: on success make the executor (*executor) and the workspace size;
 * on failure free everything and return the code (*executor = NULL). */
aclnnStatus nn_finish(nn_t *b);

/* Inputs and outputs, numbered in call order (aclSetInputTensorAddr's and
 * aclSetOutputTensorAddr's index). nn_in: NULL -> 161001 "<name> is NULL";
 * a bad handle or a private layout (anything but ND, NCHW, NHWC, NC, NCL,
 * NCDHW, NDHWC, HWCN or UNDEFINED: the fractal and 5HD formats) -> 161002.
 * nn_in_opt: NULL gives NN_NONE (the index is still used). nn_out: the
 * destination of an nn_store, never an op input (in-place ops pass the
 * same tensor to nn_in as well). */
nn_v nn_in(nn_t *b, const aclTensor *t, const char *name);
nn_v nn_in_opt(nn_t *b, const aclTensor *t, const char *name);
nn_v nn_out(nn_t *b, const aclTensor *t, const char *name);
nn_v nn_out_opt(nn_t *b, const aclTensor *t, const char *name);

/* A list argument (aclTensorList): one input/output number per element
 * (aclSetDynamic*TensorAddr address them by argument and element). Fills
 * vals[0..n) and returns n (0 after a failure; more than max is 161002). */
uint32_t nn_in_list(nn_t *b, const aclTensorList *l, const char *name, nn_v *vals, uint32_t max);
uint32_t nn_out_list(nn_t *b, const aclTensorList *l, const char *name, nn_v *vals, uint32_t max);

/* A 0-d constant holding scalar s (NULL -> 161001) as `dtype`. */
nn_v nn_scalar(nn_t *b, const aclScalar *s, int dtype, const char *name);
/* A constant tensor (bytes copied) of a dense desc. */
nn_v nn_const(nn_t *b, int dtype, uint32_t rank, const int64_t *dims, const void *data);
/* A 0-d constant of `dtype` with value v (converted as nn_scalar_store). */
nn_v nn_const_f(nn_t *b, int dtype, double v);
nn_v nn_const_i(nn_t *b, int dtype, int64_t v);

/* A value's dense desc (dtype, rank, dims); NULL for NN_BAD/NN_NONE. */
const weir_tensor_desc_t *nn_desc(const nn_t *b, nn_v v);
int nn_dtype(const nn_t *b, nn_v v); /* WEIR_DT_UNDEFINED for NN_BAD/NN_NONE */
uint32_t nn_rank(const nn_t *b, nn_v v);
/* The scalar value of a user scalar, for front ends that branch on it
 * (alpha == 1). False if s is NULL or bad (the failure is recorded). */
bool nn_scalar_value(nn_t *b, const aclScalar *s, const char *name, nn_scalar_info_t *out);

/* Run op `op` of the op library on values ins[0..nin) (NN_NONE entries are
 * dropped), with attrs (may be NULL; the builder copies them, the caller
 * keeps ownership). Its nout outputs become new values in outs[] (NULL:
 * only for nout 1, use the return value). An op inference failure becomes
 * 161002 with the op library's message. Returns outs[0]. */
nn_v nn_opv(nn_t *b, const char *op, const weir_attrs_t *attrs, uint32_t nin, const nn_v *ins,
            uint32_t nout, nn_v *outs);
/* One-output shorthand: nn_op(b, "Add", attrs, 2, x, y). */
nn_v nn_op(nn_t *b, const char *op, const weir_attrs_t *attrs, uint32_t nin, ...);

/* v converted to dtype (the op library's Cast; v itself when equal). */
nn_v nn_cast(nn_t *b, nn_v v, int dtype);
/* v with a new shape of the same element count (no copy: a value alias). */
nn_v nn_reshape(nn_t *b, nn_v v, uint32_t rank, const int64_t *dims);
/* v broadcast to dims (numpy rules; fails with 161002 naming `what`). */
nn_v nn_expand(nn_t *b, nn_v v, uint32_t rank, const int64_t *dims, const char *what);

/* Write value src to output `out` (from nn_out): the shapes must be equal
 * (161002 "<name> has shape [..] but the result is [..]"), src's dtype
 * must cast to out's (nn_can_cast; 161002 otherwise) and is cast, and the
 * copy honours out's strides and offset. When src was made by the last op
 * and out is dense, of src's dtype and overlaps no input of that op, the
 * op writes straight into out (no copy). */
void nn_store(nn_t *b, nn_v src, nn_v out);

/* PyTorch's type promotion. Values of rank 0 and scalars count as
 * "wrapped numbers": they only raise the category (bool < int < float). */
int nn_promote(int a, int b); /* two tensor dtypes */
int nn_result_type(const nn_t *b, const nn_v *vals, uint32_t n, const int *scalar_dtypes,
                   uint32_t nscalars);
int nn_result_type2(const nn_t *b, nn_v x, nn_v y);
bool nn_can_cast(int from, int to); /* PyTorch's can_cast: no float->int, no ->bool */
bool nn_is_float(int dt);           /* float32/16, bf16, double */
bool nn_is_int(int dt);             /* signed or unsigned integer (not bool) */
/* The dtype the op library's arithmetic (Add, Mul, Maximum, ...) computes
 * a dt result in: dt itself for float32/float16/bfloat16 and
 * int8/uint8/int32/int64; int64 for the other integers (add, sub, mul and
 * neg wrap identically, so casting back gives dt's result); -1 for bool
 * and double (the op library has no double arithmetic). */
int nn_compute_dtype(int dt);

/* Fail with 161002 "<name> has dtype X; supported: ..." unless dt is in
 * the list (terminated by -1). Returns whether it was. */
bool nn_check_dtype(nn_t *b, int dt, const char *name, const int *allowed);

/* A dim argument in [-rank, rank) (rank 0 accepts -1 and 0): the
 * normalized dim, or -1 after recording 161002 naming `name`. */
int64_t nn_dim(nn_t *b, int64_t dim, uint32_t rank, const char *name);

/* ------------------------------------------------------------------------ */
/* Running (executor.c)                                                       */
/* ------------------------------------------------------------------------ */

/* The second phase, shared by every aclnn<Op>(): check the executor
 * (NULL -> 161001, bad/used handle -> 161002), the workspace (smaller than
 * the plan's or NULL with a non-zero size -> 161002 / 161001), resolve the
 * stream (NULL = the current context's default stream; ACL's codes for a
 * bad one), and launch the plan's steps. */
aclnnStatus nn_run(const char *api, void *workspace, uint64_t workspace_size,
                   aclOpExecutor *executor, aclrtStream stream);

/* Define the second phase of op Xxx: aclnnStatus aclnnXxx(ws, size, ex, stream). */
#define NN_DEFINE_RUN(name)                                                               \
	ACL_FUNC_VISIBILITY aclnnStatus name(void *workspace, uint64_t workspaceSize,     \
	                                     aclOpExecutor *executor, aclrtStream stream) \
	{                                                                                 \
		return nn_run(#name, workspace, workspaceSize, executor, stream);         \
	}

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACL_COMPAT_ACLNN_NN_H */
