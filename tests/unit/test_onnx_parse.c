/*
 * test_onnx_parse.c - the ONNX importer (acl_compat/ge/parser/onnx.c):
 * real models from Debian's libonnx-testdata (skipped when absent), models
 * built here with the protobuf-c bindings and packed, and bad bytes, each
 * with its documented code and a message naming the part at fault.
 * White-box: reads the front-end graph's constants and attrs (fg.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "ge/weir_ge.h"
#include "acl_compat/ge/fg.h"
#include "onnx.pb-c.h"

#define TESTDATA "/usr/share/libonnx-testdata/data/node"

static bool have_testdata(void)
{
	struct stat st;
	return stat(TESTDATA "/test_add/model.onnx", &st) == 0;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	void *buf = malloc(n ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void expect_err(int rc, int code, const char *needle)
{
	assert_int_equal(rc, code);
	const char *msg = weir_graph_last_error();
	if (needle && !strstr(msg, needle))
		fail_msg("message '%s' lacks '%s'", msg, needle);
}

/* ---- real models ------------------------------------------------------------ */

static void test_real_add(void **state)
{
	(void)state;
	if (!have_testdata())
		skip();
	weir_fg_t *g = NULL;
	assert_int_equal(weir_onnx_parse_file(TESTDATA "/test_add/model.onnx", &g), WEIR_OK);
	assert_int_equal(weir_fg_domain(g), WEIR_FG_ONNX);
	assert_int_equal(weir_fg_node_count(g), 1);
	assert_int_equal(weir_fg_input_count(g), 2);
	assert_int_equal(weir_fg_output_count(g), 1);
	weir_fg_desc_t d;
	assert_int_equal(weir_fg_input_desc(g, 1, &d), WEIR_OK);
	assert_int_equal(d.dtype, WEIR_DT_FLOAT);
	assert_int_equal(d.rank, 3);
	assert_int_equal(d.dims[0], 3);
	assert_int_equal(d.dims[1], 4);
	assert_int_equal(d.dims[2], 5);
	assert_string_equal(g->nodes[0].type, "Add");
	assert_string_equal(g->nodes[0].name, "Add_0"); /* unnamed in the model */
	weir_fg_destroy(g);

	/* Its data set: a float32[3,4,5] TensorProto. */
	size_t len;
	void *buf = slurp(TESTDATA "/test_add/test_data_set_0/input_0.pb", &len);
	weir_tensor_desc_t td;
	void *data = NULL;
	assert_int_equal(weir_onnx_tensor_decode(buf, len, &td, &data), WEIR_OK);
	assert_int_equal(td.dtype, WEIR_DT_FLOAT);
	assert_int_equal(td.rank, 3);
	assert_int_equal(weir_tensor_desc_bytes(&td), 3 * 4 * 5 * 4);
	assert_non_null(data);
	free(data);
	/* Truncated: an error, never a read past the end. */
	expect_err(weir_onnx_tensor_decode(buf, len / 2, &td, &data), WEIR_EINVAL, "TensorProto");
	free(buf);
}

/* A conv model: attrs as INTS, two inputs with 4-d shapes. */
static void test_real_conv(void **state)
{
	(void)state;
	if (!have_testdata())
		skip();
	weir_fg_t *g = NULL;
	assert_int_equal(
	        weir_onnx_parse_file(TESTDATA "/test_conv_with_strides_padding/model.onnx", &g),
	        WEIR_OK);
	assert_int_equal(weir_fg_input_count(g), 2);
	assert_int_equal(weir_fg_node_count(g), 1);
	const int64_t *v;
	size_t n;
	assert_int_equal(weir_attrs_get_ints(g->nodes[0].attrs, "strides", &v, &n), WEIR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0], 2);
	assert_int_equal(weir_attrs_get_ints(g->nodes[0].attrs, "pads", &v, &n), WEIR_OK);
	assert_int_equal(n, 4);
	weir_fg_desc_t d;
	assert_int_equal(weir_fg_input_desc(g, 1, &d), WEIR_OK); /* W */
	assert_int_equal(d.rank, 4);
	weir_fg_destroy(g);
	/* Graph inputs that are sequences: unsupported, naming the input. */
	expect_err(weir_onnx_parse_file(TESTDATA "/test_sequence_insert_at_back/model.onnx", &g),
	           WEIR_ENOTSUP, "sequence");
	/* Another domain: unsupported, naming the node's type. */
	expect_err(weir_onnx_parse_file(TESTDATA "/test_adam/model.onnx", &g), WEIR_ENOTSUP,
	           "(Adam)");
	expect_err(weir_onnx_parse_file(TESTDATA "/no_such_case/model.onnx", &g), WEIR_ENOTFOUND,
	           "no_such_case");
}

/* ---- models built here ------------------------------------------------------ */

typedef struct mb {
	Onnx__ModelProto m;
	Onnx__OperatorSetIdProto op, *ops[1];
	Onnx__GraphProto g;
	Onnx__NodeProto node, *nodes[1];
	Onnx__AttributeProto at[8], *ats[8];
	Onnx__TensorProto init[4], *inits[4];
	Onnx__ValueInfoProto in[2], *ins[2], out, *outs[1];
	Onnx__TypeProto tp[2];
	Onnx__TypeProto__Tensor tt[2];
	Onnx__TensorShapeProto shape[2];
	Onnx__TensorShapeProto__Dimension dim[2][3], *dims[2][3];
	char *node_in[4], *node_out[1];
} mb_t;

/* A model: input x float[2,N,3] (N a dim_param), initializers w (float
 * float_data), h (float16 in int32_data), k (int64 raw_data), node
 * "mynode" Foo(x, w, "", k) -> y with no attrs, output y. */
static void mb_init(mb_t *b)
{
	memset(b, 0, sizeof(*b));
	onnx__model_proto__init(&b->m);
	b->m.has_ir_version = 1;
	b->m.ir_version = 8;
	onnx__operator_set_id_proto__init(&b->op);
	b->op.domain = "";
	b->op.has_version = 1;
	b->op.version = 13;
	b->ops[0] = &b->op;
	b->m.n_opset_import = 1;
	b->m.opset_import = b->ops;
	onnx__graph_proto__init(&b->g);
	b->g.name = "built";
	b->m.graph = &b->g;

	onnx__value_info_proto__init(&b->in[0]);
	b->in[0].name = "x";
	onnx__type_proto__init(&b->tp[0]);
	onnx__type_proto__tensor__init(&b->tt[0]);
	b->tp[0].value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	b->tp[0].tensor_type = &b->tt[0];
	b->tt[0].has_elem_type = 1;
	b->tt[0].elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	onnx__tensor_shape_proto__init(&b->shape[0]);
	for (int i = 0; i < 3; i++) {
		onnx__tensor_shape_proto__dimension__init(&b->dim[0][i]);
		b->dims[0][i] = &b->dim[0][i];
		b->dim[0][i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		b->dim[0][i].dim_value = i + 2;
	}
	b->dim[0][1].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
	b->dim[0][1].dim_param = "N";
	b->shape[0].n_dim = 3;
	b->shape[0].dim = b->dims[0];
	b->tt[0].shape = &b->shape[0];
	b->in[0].type = &b->tp[0];
	b->ins[0] = &b->in[0];
	b->g.n_input = 1;
	b->g.input = b->ins;

	static float wv[2] = { 1.5f, -2.0f };
	static int32_t hv[1] = { 0x3c00 }; /* float16 1.0 */
	static int64_t kv[2] = { 7, -9 };
	static int64_t d2[1] = { 2 }, d1[1] = { 1 };
	for (int i = 0; i < 3; i++) {
		onnx__tensor_proto__init(&b->init[i]);
		b->inits[i] = &b->init[i];
		b->init[i].has_data_type = 1;
	}
	b->init[0].name = "w";
	b->init[0].data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	b->init[0].n_dims = 1;
	b->init[0].dims = d2;
	b->init[0].n_float_data = 2;
	b->init[0].float_data = wv;
	b->init[1].name = "h";
	b->init[1].data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16;
	b->init[1].n_dims = 1;
	b->init[1].dims = d1;
	b->init[1].n_int32_data = 1;
	b->init[1].int32_data = hv;
	b->init[2].name = "k";
	b->init[2].data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
	b->init[2].n_dims = 1;
	b->init[2].dims = d2;
	b->init[2].has_raw_data = 1;
	b->init[2].raw_data.len = sizeof(kv);
	b->init[2].raw_data.data = (uint8_t *)kv;
	b->g.n_initializer = 3;
	b->g.initializer = b->inits;

	onnx__node_proto__init(&b->node);
	b->node.name = "mynode";
	b->node.op_type = "Foo";
	b->node_in[0] = "x";
	b->node_in[1] = "w";
	b->node_in[2] = "";
	b->node_in[3] = "k";
	b->node.n_input = 4;
	b->node.input = b->node_in;
	b->node_out[0] = "y";
	b->node.n_output = 1;
	b->node.output = b->node_out;
	b->nodes[0] = &b->node;
	b->g.n_node = 1;
	b->g.node = b->nodes;
	for (int i = 0; i < 8; i++) {
		onnx__attribute_proto__init(&b->at[i]);
		b->ats[i] = &b->at[i];
	}
	b->node.attribute = b->ats;

	onnx__value_info_proto__init(&b->out);
	b->out.name = "y";
	b->outs[0] = &b->out;
	b->g.n_output = 1;
	b->g.output = b->outs;
}

static uint8_t *mb_pack(mb_t *b, size_t *len)
{
	*len = onnx__model_proto__get_packed_size(&b->m);
	uint8_t *buf = malloc(*len ? *len : 1);
	assert_non_null(buf);
	assert_int_equal(onnx__model_proto__pack(&b->m, buf), *len);
	return buf;
}

static int mb_parse(mb_t *b, const char *base_dir, weir_fg_t **g)
{
	size_t len;
	uint8_t *buf = mb_pack(b, &len);
	*g = NULL;
	int rc = weir_onnx_parse_mem(buf, len, base_dir, g);
	free(buf);
	if (rc)
		assert_null(*g);
	return rc;
}

static void test_built_model(void **state)
{
	(void)state;
	mb_t b;
	mb_init(&b);
	/* Attrs of every supported kind. */
	static int64_t ints[3] = { 1, -2, 3 };
	static float floats[2] = { 0.5f, 4 };
	static ProtobufCBinaryData strs[2] = { { 3, (uint8_t *)"abc" }, { 2, (uint8_t *)"de" } };
	static float tval[1] = { 42 };
	Onnx__TensorProto tt;
	onnx__tensor_proto__init(&tt);
	tt.has_data_type = 1;
	tt.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	tt.n_float_data = 1;
	tt.float_data = tval;
	Onnx__AttributeProto *a = b.at;
	a[0].name = "i";
	a[0].has_type = 1;
	a[0].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
	a[0].has_i = 1;
	a[0].i = -5;
	a[1].name = "f"; /* type left UNDEFINED: inferred from the field set */
	a[1].has_f = 1;
	a[1].f = 2.5f;
	a[2].name = "s";
	a[2].has_type = 1;
	a[2].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
	a[2].has_s = 1;
	a[2].s = strs[0];
	a[3].name = "is";
	a[3].has_type = 1;
	a[3].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
	a[3].n_ints = 3;
	a[3].ints = ints;
	a[4].name = "fs";
	a[4].has_type = 1;
	a[4].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
	a[4].n_floats = 2;
	a[4].floats = floats;
	a[5].name = "ss";
	a[5].has_type = 1;
	a[5].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS;
	a[5].n_strings = 2;
	a[5].strings = strs;
	a[6].name = "t";
	a[6].has_type = 1;
	a[6].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
	a[6].t = &tt;
	b.node.n_attribute = 7;

	weir_fg_t *g;
	assert_int_equal(mb_parse(&b, NULL, &g), WEIR_OK);
	assert_string_equal(weir_fg_name(g), "built");
	assert_int_equal(g->opset, 13);
	assert_int_equal(weir_fg_input_count(g), 1);
	weir_fg_desc_t d;
	assert_int_equal(weir_fg_input_desc(g, 0, &d), WEIR_OK);
	assert_int_equal(d.rank, 3);
	assert_int_equal(d.dims[0], 2);
	assert_int_equal(d.dims[1], -1); /* dim_param */
	assert_int_equal(d.dims[2], 4);
	/* Initializers, bytes as stored. */
	assert_int_equal(g->nconsts, 3);
	assert_string_equal(g->consts[0].name, "w");
	assert_memory_equal(g->consts[0].data, ((float[]){ 1.5f, -2.0f }), 8);
	assert_int_equal(g->consts[1].desc.dtype, WEIR_DT_FLOAT16);
	assert_int_equal(*(uint16_t *)g->consts[1].data, 0x3c00);
	assert_int_equal(g->consts[2].desc.dtype, WEIR_DT_INT64);
	assert_memory_equal(g->consts[2].data, ((int64_t[]){ 7, -9 }), 16);
	/* The node: inputs by value (the empty name is WEIR_FG_NONE). */
	const struct fg_node *n = &g->nodes[0];
	assert_string_equal(n->name, "mynode");
	assert_int_equal(n->nin, 4);
	assert_int_equal(n->in[2], WEIR_FG_NONE);
	assert_int_equal(n->in[3], n->in[1] + 2); /* k two constants after w */
	int64_t iv;
	float fv;
	const char *sv;
	const int64_t *isv;
	const float *fsv;
	size_t cnt;
	assert_int_equal(weir_attrs_get_int(n->attrs, "i", &iv), WEIR_OK);
	assert_int_equal(iv, -5);
	assert_int_equal(weir_attrs_get_float(n->attrs, "f", &fv), WEIR_OK);
	assert_true(fv == 2.5f);
	assert_int_equal(weir_attrs_get_string(n->attrs, "s", &sv), WEIR_OK);
	assert_string_equal(sv, "abc");
	assert_int_equal(weir_attrs_get_ints(n->attrs, "is", &isv, &cnt), WEIR_OK);
	assert_int_equal(cnt, 3);
	assert_int_equal(isv[1], -2);
	assert_int_equal(weir_attrs_get_floats(n->attrs, "fs", &fsv, &cnt), WEIR_OK);
	assert_int_equal(cnt, 2);
	assert_int_equal(weir_attrs_get_string(n->attrs, "ss", &sv), WEIR_OK);
	assert_string_equal(sv, "abc\nde");
	const weir_tensor_desc_t *td;
	const void *tdata;
	assert_int_equal(weir_attrs_get_tensor(n->attrs, "t", &td, &tdata), WEIR_OK);
	assert_int_equal(td->rank, 0);
	assert_true(*(const float *)tdata == 42);
	assert_int_equal(weir_fg_output_count(g), 1);
	assert_int_equal(g->outputs[0], n->first_out);
	weir_fg_destroy(g);

	/* An unnamed node gets "<op_type>_<index>". */
	b.node.name = "";
	b.node.n_attribute = 0;
	assert_int_equal(mb_parse(&b, NULL, &g), WEIR_OK);
	assert_string_equal(g->nodes[0].name, "Foo_0");
	weir_fg_destroy(g);
}

static void test_built_errors(void **state)
{
	(void)state;
	mb_t b;
	weir_fg_t *g;

	mb_init(&b); /* a node input naming nothing */
	b.node_in[1] = "nope";
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "'nope'");
	assert_non_null(strstr(weir_graph_last_error(), "mynode"));

	mb_init(&b); /* a graph output naming nothing */
	b.out.name = "zz";
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "'zz'");

	mb_init(&b); /* a value defined twice */
	b.node_out[0] = "w";
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "already defined");

	mb_init(&b); /* another domain */
	b.node.domain = "com.example";
	expect_err(mb_parse(&b, NULL, &g), WEIR_ENOTSUP, "mynode");

	mb_init(&b); /* a GRAPH attribute */
	Onnx__GraphProto sub;
	onnx__graph_proto__init(&sub);
	b.at[0].name = "body";
	b.at[0].has_type = 1;
	b.at[0].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
	b.at[0].g = &sub;
	b.node.n_attribute = 1;
	expect_err(mb_parse(&b, NULL, &g), WEIR_ENOTSUP, "'body' of type GRAPH");
	assert_non_null(strstr(weir_graph_last_error(), "mynode"));

	mb_init(&b); /* STRINGS holding a newline cannot be joined */
	static ProtobufCBinaryData nl[1] = { { 3, (uint8_t *)"a\nb" } };
	b.at[0].name = "ss";
	b.at[0].has_type = 1;
	b.at[0].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS;
	b.at[0].n_strings = 1;
	b.at[0].strings = nl;
	b.node.n_attribute = 1;
	expect_err(mb_parse(&b, NULL, &g), WEIR_ENOTSUP, "newline");

	mb_init(&b); /* an empty STRING attribute (no bytes at all) is an empty string */
	b.at[0].name = "empty";
	b.at[0].has_type = 1;
	b.at[0].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
	b.at[0].s.len = 0;
	b.at[0].s.data = NULL;
	b.node.n_attribute = 1;
	assert_int_equal(mb_parse(&b, NULL, &g), WEIR_OK);
	weir_fg_destroy(g);
	g = NULL;

	mb_init(&b); /* a STRING input */
	b.tt[0].elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__STRING;
	expect_err(mb_parse(&b, NULL, &g), WEIR_ENOTSUP, "graph input 'x'");

	mb_init(&b); /* huge dims with no data: refused before any allocation */
	static int64_t huge[2] = { (int64_t)1 << 40, (int64_t)1 << 40 };
	b.init[0].n_dims = 2;
	b.init[0].dims = huge;
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "initializer 'w'");
	static int64_t big[2] = { (int64_t)1 << 20, (int64_t)1 << 20 };
	b.init[0].dims = big; /* fits int64, but float_data has 2 values */
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "float_data");

	mb_init(&b); /* a negative dim */
	static int64_t neg[1] = { -2 };
	b.init[0].dims = neg;
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "dim 0 = -2");

	mb_init(&b); /* rank 9 */
	static int64_t r9[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 2 };
	b.init[0].n_dims = 9;
	b.init[0].dims = r9;
	expect_err(mb_parse(&b, NULL, &g), WEIR_ENOTSUP, "rank 9");

	mb_init(&b); /* raw_data of the wrong size */
	b.init[2].raw_data.len = 12;
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "raw_data");

	mb_init(&b); /* no ai.onnx opset */
	b.op.domain = "com.example";
	expect_err(mb_parse(&b, NULL, &g), WEIR_ENOTSUP, "opset");

	mb_init(&b); /* no graph */
	b.m.graph = NULL;
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "no graph");

	mb_init(&b); /* an unknown element type */
	b.init[0].data_type = 99;
	expect_err(mb_parse(&b, NULL, &g), WEIR_ENOTSUP, "initializer 'w'");
}

static void test_external_data(void **state)
{
	(void)state;
	char dir[] = "/tmp/weir_onnx_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/w.bin", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	float wv[3] = { 9, 3.25f, -1 }; /* the tensor is wv[1..2] */
	assert_int_equal(fwrite(wv, 1, sizeof(wv), f), sizeof(wv));
	fclose(f);

	mb_t b;
	mb_init(&b);
	Onnx__StringStringEntryProto e[3], *ep[3];
	for (int i = 0; i < 3; i++) {
		onnx__string_string_entry_proto__init(&e[i]);
		ep[i] = &e[i];
	}
	e[0].key = "location";
	e[0].value = "w.bin";
	e[1].key = "offset";
	e[1].value = "4";
	e[2].key = "length";
	e[2].value = "8";
	b.init[0].n_float_data = 0;
	b.init[0].has_data_location = 1;
	b.init[0].data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
	b.init[0].n_external_data = 3;
	b.init[0].external_data = ep;
	weir_fg_t *g;
	assert_int_equal(mb_parse(&b, dir, &g), WEIR_OK);
	assert_memory_equal(g->consts[0].data, &wv[1], 8);
	weir_fg_destroy(g);

	expect_err(mb_parse(&b, NULL, &g), WEIR_ENOTSUP, "base directory");
	/* Huge dims on external data: refused before anything is allocated
	 * (ASan would report an allocation that size). */
	static int64_t huge[2] = { (int64_t)1 << 28, (int64_t)1 << 28 };
	b.init[0].n_dims = 2;
	b.init[0].dims = huge;
	expect_err(mb_parse(&b, NULL, &g), WEIR_EINVAL, "length 8");
	expect_err(mb_parse(&b, dir, &g), WEIR_EINVAL, "length 8");
	e[2].value = "288230376151711744"; /* 2^58: the dims' bytes, far past the file */
	expect_err(mb_parse(&b, dir, &g), WEIR_EINVAL, "has 12 bytes");
	e[2].value = "8";
	static int64_t two[1] = { 2 };
	b.init[0].n_dims = 1;
	b.init[0].dims = two;
	e[0].value = "../w.bin";
	expect_err(mb_parse(&b, dir, &g), WEIR_EINVAL, "leaves");
	e[0].value = "/etc/passwd";
	expect_err(mb_parse(&b, dir, &g), WEIR_EINVAL, "not a relative path");
	e[0].value = "w.bin";
	e[1].value = "8"; /* 8 + 8 > 12 bytes */
	expect_err(mb_parse(&b, dir, &g), WEIR_EINVAL, "external data 'w.bin' has 12 bytes");
	e[1].value = "x";
	expect_err(mb_parse(&b, dir, &g), WEIR_EINVAL, "offset");
	/* A symlink leading out of the directory. */
	char link[256];
	snprintf(link, sizeof(link), "%s/out.bin", dir);
	assert_int_equal(symlink("/etc/hostname", link), 0);
	e[0].value = "out.bin";
	e[1].value = "0";
	expect_err(mb_parse(&b, dir, &g), WEIR_EINVAL, "outside");
	unlink(link);
	unlink(path);
	rmdir(dir);
}

/* Bytes that are not a model. */
static void test_bad_bytes(void **state)
{
	(void)state;
	weir_fg_t *g = NULL;
	expect_err(weir_onnx_parse_mem("", 0, NULL, &g), WEIR_EINVAL, "ir_version");
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02 };
	expect_err(weir_onnx_parse_mem(junk, sizeof(junk), NULL, &g), WEIR_EINVAL, "ModelProto");
	expect_err(weir_onnx_parse_mem(NULL, 3, NULL, &g), WEIR_EINVAL, NULL);
	expect_err(weir_onnx_parse_mem(junk, 1, NULL, NULL), WEIR_EINVAL, NULL);
	assert_null(g);

	/* Every truncation of a valid model: a code, never a crash. */
	mb_t b;
	mb_init(&b);
	size_t len;
	uint8_t *buf = mb_pack(&b, &len);
	for (size_t n = 0; n < len; n++) {
		uint8_t *cut = malloc(n ? n : 1); /* exact size: ASan sees overreads */
		memcpy(cut, buf, n);
		int rc = weir_onnx_parse_mem(cut, n, NULL, &g);
		if (rc == WEIR_OK)
			weir_fg_destroy(g);
		else
			assert_true(rc == WEIR_EINVAL || rc == WEIR_ENOTSUP);
		free(cut);
	}
	free(buf);

	/* Messages nested 300 deep: ModelProto.graph (field 7), then from the
	 * outside in GraphProto.node (1), NodeProto.attribute (5),
	 * AttributeProto.g (6), node, attribute, g, ... Refused before
	 * protobuf-c would recurse that far. Built inside out. */
	size_t cap = 4096, n = 0;
	uint8_t *deep = malloc(cap), *tmp = malloc(cap);
	static const uint8_t seq[3] = { (1 << 3) | 2, (5 << 3) | 2, (6 << 3) | 2 };
	for (int lvl = 0; lvl <= 300; lvl++) {
		size_t m = 0;
		tmp[m++] = lvl == 300 ? (7 << 3) | 2 : seq[(299 - lvl) % 3];
		for (size_t v = n;; v >>= 7) {
			tmp[m++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
			if (v < 0x80)
				break;
		}
		memcpy(tmp + m, deep, n);
		memcpy(deep, tmp, m + n);
		n += m;
		assert_true(n + 16 < cap);
	}
	expect_err(weir_onnx_parse_mem(deep, n, NULL, &g), WEIR_ENOTSUP, "nested");
	free(deep);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_add),      cmocka_unit_test(test_real_conv),
		cmocka_unit_test(test_built_model),   cmocka_unit_test(test_built_errors),
		cmocka_unit_test(test_external_data), cmocka_unit_test(test_bad_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
