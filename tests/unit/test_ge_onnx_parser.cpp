/*
 * test_ge_onnx_parser.cpp - GE's ONNX parser entry points
 * (parser/onnx_parser.h) with the v1 ge::Session, on models from ONNX's own
 * backend tests (Debian libonnx-testdata; every test skips without it):
 *   - aclgrphParseONNX on a real model, RunGraph with host ge::Tensors, the
 *     output equal to the case's expected output_0.pb;
 *   - aclgrphParseONNXFromMem on the same bytes, same result;
 *   - bad input (nullptr file or buffer, a missing file, garbage bytes, a
 *     truncated model): GRAPH_FAILED and GEGetErrorMsgV2 naming the problem;
 *   - an op weir does not implement (LSTM, NonMaxSuppression): the parse
 *     succeeds, CompileGraph and RunGraph fail with a message naming the
 *     node and its op type, and the code behind GE's FAILED is WEIR_ENOTSUP.
 */
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <csetjmp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" {
#include <cmocka.h>
}

#include "ge/ge_api.h"
#include "ge/weir_ge.h"
#include "parser/onnx_parser.h"

namespace
{

const std::string kDir = "/usr/share/libonnx-testdata/data/node/";
const std::map<ge::AscendString, ge::AscendString> kNoParams;

bool HaveTestdata()
{
	struct stat st;
	return stat((kDir + "test_matmul_2d/model.onnx").c_str(), &st) == 0;
}

std::vector<char> ReadFile(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	assert_true(static_cast<bool>(f));
	return std::vector<char>((std::istreambuf_iterator<char>(f)),
	                         std::istreambuf_iterator<char>());
}

/* One TensorProto file as a host ge::Tensor. */
ge::Tensor LoadTensor(const std::string &path)
{
	std::vector<char> bytes = ReadFile(path);
	weir_tensor_desc_t d;
	void *data = nullptr;
	assert_int_equal(weir_onnx_tensor_decode(bytes.data(), bytes.size(), &d, &data), WEIR_OK);
	std::vector<int64_t> dims(d.dims, d.dims + d.rank);
	ge::TensorDesc td(ge::Shape(dims), ge::FORMAT_ND, static_cast<ge::DataType>(d.dtype));
	ge::Tensor t(td, static_cast<const uint8_t *>(data),
	             static_cast<size_t>(weir_tensor_desc_bytes(&d)));
	free(data);
	return t;
}

std::string LastError()
{
	return std::string(ge::GEGetErrorMsgV2().GetString());
}

bool Says(const char *what)
{
	std::string m = LastError();
	if (m.find(what) != std::string::npos)
		return true;
	print_error("GEGetErrorMsgV2 is \"%s\", which does not contain \"%s\"\n", m.c_str(), what);
	return false;
}

/* Run the case's test_data_set_0 through graph id and compare output 0. */
void RunAndCompare(ge::Session &s, uint32_t id, const std::string &name)
{
	const std::string set = kDir + name + "/test_data_set_0/";
	std::vector<ge::Tensor> in{ LoadTensor(set + "input_0.pb"), LoadTensor(set + "input_1.pb") };
	ge::Tensor want = LoadTensor(set + "output_0.pb");
	std::vector<ge::Tensor> out;
	assert_int_equal(s.RunGraph(id, in, out), ge::SUCCESS);
	assert_int_equal(out.size(), 1);
	assert_true(out[0].GetTensorDesc().GetShape().GetDims() ==
	            want.GetTensorDesc().GetShape().GetDims());
	assert_int_equal(out[0].GetTensorDesc().GetDataType(), ge::DT_FLOAT);
	assert_int_equal(out[0].GetSize(), want.GetSize());
	const float *g = reinterpret_cast<const float *>(out[0].GetData());
	const float *w = reinterpret_cast<const float *>(want.GetData());
	for (size_t i = 0; i < want.GetSize() / sizeof(float); i++)
		if (std::fabs(g[i] - w[i]) > 1e-5 + 1e-3 * std::fabs(w[i]))
			fail_msg("[%zu] got %g, want %g", i, static_cast<double>(g[i]),
			         static_cast<double>(w[i]));
}

#define SKIP_WITHOUT_TESTDATA()                                                                    \
	do {                                                                                       \
		if (!HaveTestdata()) {                                                             \
			print_message("no libonnx-testdata at %s: skipped\n", kDir.c_str());        \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

void test_parse_file_and_run(void **)
{
	SKIP_WITHOUT_TESTDATA();
	ge::Graph g;
	assert_int_equal(ge::aclgrphParseONNX((kDir + "test_matmul_2d/model.onnx").c_str(),
	                                      kNoParams, g),
	                 ge::GRAPH_SUCCESS);
	assert_true(g.IsValid());
	ge::Session s(kNoParams);
	assert_int_equal(s.AddGraph(1, g), ge::SUCCESS);
	RunAndCompare(s, 1, "test_matmul_2d");
	RunAndCompare(s, 1, "test_matmul_2d"); /* again: the cached plan */
	assert_int_equal(s.RemoveGraph(1), ge::SUCCESS);
}

void test_parse_mem_and_run(void **)
{
	SKIP_WITHOUT_TESTDATA();
	std::vector<char> bytes = ReadFile(kDir + "test_matmul_2d/model.onnx");
	ge::Graph g;
	assert_int_equal(ge::aclgrphParseONNXFromMem(bytes.data(), bytes.size(), kNoParams, g),
	                 ge::GRAPH_SUCCESS);
	bytes.assign(bytes.size(), 0); /* the graph does not borrow the buffer */
	ge::Session s(kNoParams);
	assert_int_equal(s.AddGraph(7, g), ge::SUCCESS);
	RunAndCompare(s, 7, "test_matmul_2d");
	assert_int_equal(s.RemoveGraph(7), ge::SUCCESS);
}

void test_bad_input(void **)
{
	SKIP_WITHOUT_TESTDATA();
	ge::Graph g;
	assert_int_equal(ge::aclgrphParseONNX(nullptr, kNoParams, g), ge::GRAPH_FAILED);
	assert_true(Says("model_file is nullptr"));
	assert_int_equal(ge::aclgrphParseONNXFromMem(nullptr, 10, kNoParams, g),
	                 ge::GRAPH_FAILED);
	assert_true(Says("buffer is nullptr"));

	const std::string missing = kDir + "test_no_such_case/model.onnx";
	assert_int_equal(ge::aclgrphParseONNX(missing.c_str(), kNoParams, g), ge::GRAPH_FAILED);
	assert_true(Says("cannot open model"));
	assert_true(Says("test_no_such_case/model.onnx"));

	const char garbage[] = "this is not an ONNX model, just some bytes \xff\xff\xff\xff";
	assert_int_equal(ge::aclgrphParseONNXFromMem(garbage, sizeof(garbage), kNoParams, g),
	                 ge::GRAPH_FAILED);
	assert_true(Says("48 bytes do not decode as an ONNX ModelProto"));

	std::vector<char> bytes = ReadFile(kDir + "test_matmul_2d/model.onnx");
	assert_int_equal(ge::aclgrphParseONNXFromMem(bytes.data(), bytes.size() / 2, kNoParams, g),
	                 ge::GRAPH_FAILED);
	assert_true(Says("do not decode as an ONNX ModelProto"));
	assert_int_equal(ge::aclgrphParseONNXFromMem(bytes.data(), 0, kNoParams, g),
	                 ge::GRAPH_FAILED);
	assert_true(Says("not an ONNX model"));
	assert_false(g.IsValid()); /* no failed parse left a graph behind */
}

/* Parse succeeds; CompileGraph (id) and RunGraph (id + 1) fail naming the
 * node and op; the code behind FAILED is WEIR_ENOTSUP. */
void CheckUnsupported(const std::string &name, const char *node, const char *op)
{
	ge::Graph g;
	assert_int_equal(ge::aclgrphParseONNX((kDir + name + "/model.onnx").c_str(), kNoParams, g),
	                 ge::GRAPH_SUCCESS);
	ge::Session s(kNoParams);
	assert_int_equal(s.AddGraph(1, g), ge::SUCCESS);
	assert_int_equal(s.CompileGraph(1), ge::FAILED);
	assert_true(Says(node));
	assert_true(Says(op));
	assert_int_equal(weir_ge_last_code(), WEIR_ENOTSUP);

	assert_int_equal(s.AddGraph(2, g), ge::SUCCESS);
	const std::string set = kDir + name + "/test_data_set_0/";
	std::vector<ge::Tensor> in, out;
	for (int k = 0;; k++) {
		std::string p = set + "input_" + std::to_string(k) + ".pb";
		struct stat st;
		if (stat(p.c_str(), &st) != 0)
			break;
		in.push_back(LoadTensor(p));
	}
	assert_true(!in.empty());
	ge::Status st = s.RunGraph(2, in, out);
	assert_true(st == ge::FAILED || st == ge::UNSUPPORTED);
	assert_true(Says(node));
	assert_true(Says(op));
	assert_int_equal(weir_ge_last_code(), WEIR_ENOTSUP);
	assert_true(out.empty());
	assert_int_equal(s.RemoveGraph(1), ge::SUCCESS);
	assert_int_equal(s.RemoveGraph(2), ge::SUCCESS);
}

void test_unsupported_op(void **)
{
	SKIP_WITHOUT_TESTDATA();
	CheckUnsupported("test_lstm_defaults", "'LSTM_0'", "'LSTM'");
	CheckUnsupported("test_nonmaxsuppression_single_box", "'NonMaxSuppression_0'",
	                 "'NonMaxSuppression'");
}

int Setup(void **)
{
	return ge::GEInitialize(std::map<ge::AscendString, ge::AscendString>{}) == ge::SUCCESS ? 0
	                                                                                     : -1;
}

int Teardown(void **)
{
	return ge::GEFinalize() == ge::SUCCESS ? 0 : -1;
}

} // namespace

int main()
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_file_and_run),
		cmocka_unit_test(test_parse_mem_and_run),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_unsupported_op),
	};
	return cmocka_run_group_tests(tests, Setup, Teardown);
}
