/*
 * acl_compat/aclnn/ops/conv.c - aclnnConvolution (aclnnop/aclnn_convolution.h)
 * onto the op library's Conv2D and Conv2DTranspose.
 *
 * torch.nn.functional.conv1d/conv2d/conv_transpose1d/conv_transpose2d
 * semantics: input and weight promote (float32, float16, bfloat16), the
 * bias is cast to that dtype, the result is cast to output's dtype. A 1-D
 * convolution (3-D tensors) runs as a 2-D one of height 1. torch's symmetric
 * padding [ph, pw] becomes GE's pads [top, bottom, left, right]. 3-D
 * convolution is refused (161002).
 */
#include "acl_compat/aclnn/nn.h"
#include "acl_compat/aclnn/ops/args.h"
#include "aclnnop/aclnn_convolution.h"

/* An attr list of `n` spatial entries (n = 1 or 2) read from `arr` into
 * hw[2] (1-D: hw[0] = `one`); each entry >= lo. False after a failure. */
static bool conv_pair(nn_t *b, const aclIntArray *arr, const char *name, int nsp, int64_t lo,
                      int64_t one, int64_t hw[2])
{
	int64_t v[NN_ARG_MAX_ARRAY];
	int n = nn_arg_ints(b, arr, name, v);
	if (n < 0)
		return false;
	if (n != nsp) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has %d entries; the input needs %d", name,
		        n, nsp);
		return false;
	}
	for (int i = 0; i < n; i++)
		if (v[i] < lo) {
			nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s[%d] is %lld; it must be >= %lld",
			        name, i, (long long)v[i], (long long)lo);
			return false;
		}
	hw[0] = nsp == 1 ? one : v[0];
	hw[1] = v[n - 1];
	return true;
}

/* padding: 1-D: [p] or (not transposed) [left, right]; 2-D: [ph, pw] or
 * [top, bottom, left, right]. Into GE's pads [top, bottom, left, right]. */
static bool conv_pads(nn_t *b, const aclIntArray *arr, int nsp, bool transposed, int64_t pads[4])
{
	int64_t v[NN_ARG_MAX_ARRAY];
	int n = nn_arg_ints(b, arr, "padding", v);
	if (n < 0)
		return false;
	bool ok = nsp == 1 ? (n == 1 || (n == 2 && !transposed)) : (n == 2 || n == 4);
	if (!ok) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID,
		        "padding has %d entries; a %s%s convolution takes %s", n,
		        nsp == 1 ? "1-D" : "2-D", transposed ? " transposed" : "",
		        nsp == 1 ? (transposed ? "1" : "1 or 2") : "2 or 4");
		return false;
	}
	for (int i = 0; i < n; i++)
		if (v[i] < 0) {
			nn_fail(b, ACLNN_ERR_PARAM_INVALID, "padding[%d] is %lld; it must be >= 0",
			        i, (long long)v[i]);
			return false;
		}
	if (nsp == 1) {
		pads[0] = pads[1] = 0;
		pads[2] = v[0];
		pads[3] = v[n - 1];
	} else if (n == 2) {
		pads[0] = pads[1] = v[0];
		pads[2] = pads[3] = v[1];
	} else {
		for (int i = 0; i < 4; i++)
			pads[i] = v[i];
	}
	return true;
}

ACLNN_API aclnnStatus aclnnConvolutionGetWorkspaceSize(
        const aclTensor *input, const aclTensor *weight, const aclTensor *bias,
        const aclIntArray *stride, const aclIntArray *padding, const aclIntArray *dilation,
        bool transposed, const aclIntArray *outputPadding, const int64_t groups, aclTensor *output,
        int8_t cubeMathType, uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnConvolution", workspaceSize, executor);
	nn_v x = nn_in(&b, input, "input");
	nn_v w = nn_in(&b, weight, "weight");
	nn_v bi = nn_in_opt(&b, bias, "bias");
	nn_v o = nn_out(&b, output, "output");
	nn_arg_cube_math(&b, cubeMathType, 0, 3);
	if (!nn_ok(&b))
		return nn_finish(&b);
	uint32_t rank = nn_rank(&b, x);
	if (rank != 3 && rank != 4) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "input has rank %u; weir supports 1-D (rank 3) and 2-D (rank 4) "
		        "convolution",
		        rank);
		return nn_finish(&b);
	}
	if (nn_rank(&b, w) != rank) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "weight has rank %u; input has rank %u",
		        nn_rank(&b, w), rank);
		return nn_finish(&b);
	}
	int nsp = (int)rank - 2;
	int64_t st[2], dil[2], opad[2] = { 0, 0 }, pads[4];
	conv_pair(&b, stride, "stride", nsp, 1, 1, st);
	conv_pads(&b, padding, nsp, transposed, pads);
	conv_pair(&b, dilation, "dilation", nsp, 1, 1, dil);
	if (transposed)
		conv_pair(&b, outputPadding, "outputPadding", nsp, 0, 0, opad);
	else if (!outputPadding)
		nn_fail(&b, ACLNN_ERR_PARAM_NULLPTR, "outputPadding is NULL");
	if (nn_ok(&b) && (groups < 1 || groups > 65535))
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "groups is %lld; it must be in [1, 65535]",
		        (long long)groups);
	if (!nn_ok(&b))
		return nn_finish(&b);
	const weir_tensor_desc_t *dx = nn_desc(&b, x), *dw = nn_desc(&b, w);
	/* Channels: not transposed, weight [O, C/groups, k..]; transposed,
	 * weight [C, O/groups, k..] and O = weight[1] * groups. */
	int64_t C = dx->dims[1], O = transposed ? dw->dims[1] * groups : dw->dims[0];
	if (!transposed && dw->dims[1] * groups != C)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "weight dim 1 (%lld) * groups (%lld) must equal the input channels %lld",
		        (long long)dw->dims[1], (long long)groups, (long long)C);
	if (transposed && dw->dims[0] != C)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "weight dim 0 (%lld) must equal the input channels %lld",
		        (long long)dw->dims[0], (long long)C);
	if (nn_ok(&b) && bi != NN_NONE) {
		const weir_tensor_desc_t *db = nn_desc(&b, bi);
		if (db->rank != 1 || db->dims[0] != O)
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
			        "bias must be 1-D of length %lld (the output channels)",
			        (long long)O);
	}
	nn_arg_float_dtype(&b, nn_dtype(&b, x), "input");
	nn_arg_float_dtype(&b, nn_dtype(&b, w), "weight");
	int dt = nn_ok(&b) ? nn_result_type2(&b, x, w) : 0;
	nn_arg_float_dtype(&b, dt, "the promoted dtype of input and weight");
	if (bi != NN_NONE)
		nn_arg_float_dtype(&b, nn_dtype(&b, bi), "bias");
	if (!nn_ok(&b))
		return nn_finish(&b);

	x = nn_cast(&b, x, dt);
	w = nn_cast(&b, w, dt);
	if (bi != NN_NONE)
		bi = nn_cast(&b, bi, dt);
	if (nsp == 1) { /* [N, C, L] -> [N, C, 1, L]; likewise the weight */
		x = nn_reshape(&b, x, 4, (int64_t[]){ dx->dims[0], C, 1, dx->dims[2] });
		w = nn_reshape(&b, w, 4, (int64_t[]){ dw->dims[0], dw->dims[1], 1, dw->dims[2] });
	}
	weir_attrs_t *a = NULL;
	if (weir_attrs_create(&a) || weir_attrs_set_ints(a, "strides", st, 2) ||
	    weir_attrs_set_ints(a, "pads", pads, 4) ||
	    weir_attrs_set_ints(a, "dilations", dil, 2) ||
	    weir_attrs_set_int(a, "groups", groups) ||
	    (transposed && weir_attrs_set_ints(a, "output_padding", opad, 2))) {
		weir_attrs_destroy(a);
		nn_fail(&b, ACLNN_ERR_INNER, "out of memory");
		return nn_finish(&b);
	}
	nn_v r = nn_op(&b, transposed ? "Conv2DTranspose" : "Conv2D", a, 3, x, w, bi);
	weir_attrs_destroy(a);
	const weir_tensor_desc_t *dr = nn_desc(&b, r);
	if (dr && nsp == 1)
		r = nn_reshape(&b, r, 3, (int64_t[]){ dr->dims[0], dr->dims[1], dr->dims[3] });
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnConvolution)
