/*
 * test_ge_acl_finalize.cpp - GE v2 sessions (ge::GeSession) whose ACL
 * runtime is finalized under them, as programs do that call aclFinalize
 * before GEFinalizeV2: every method fails as GE does when it is not
 * initialized (FAILED / nullptr / false, E10062 in GEGetErrorMsgV3) without
 * touching the freed runtime (ASan), the session is destroyed cleanly
 * (LSan), and a new aclInit / GEInitializeV2 gives the old session nothing:
 * its destructor resets no device of the new runtime, and GEFinalizeV2 drops
 * no reference of it.
 */
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <cmocka.h> /* cmocka.h has no extern "C" of its own */
}

#include "ge_api_v2.h"

namespace
{

constexpr int64_t kN = 8;
float g_x[kN] = { -1, 2, -3, 4, -5, 6, -7, 8 };

void Env()
{
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "2", 0);
}

ge::Graph ReluGraph()
{
	weir_graph_t *g = nullptr;
	weir_tensor_desc_t d;
	int64_t dims[1] = { kN };
	weir_port_t x, y;
	uint32_t id;
	assert_int_equal(weir_graph_create("relu", &g), WEIR_OK);
	assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 1, dims), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_node(g, "relu", "Relu", &x, 1, 0, &id), WEIR_OK);
	y = weir_port(id, 0);
	assert_int_equal(weir_graph_set_outputs(g, &y, 1), WEIR_OK);
	return ge::Graph::FromNative(g);
}

std::vector<gert::Tensor> Inputs()
{
	std::vector<gert::Tensor> in;
	in.emplace_back(gert::StorageShape({ kN }, { kN }),
	                gert::StorageFormat(ge::FORMAT_ND, ge::FORMAT_ND), gert::kOnDeviceHbm,
	                ge::DT_FLOAT, g_x);
	return in;
}

std::map<ge::AscendString, ge::AscendString> Dev(int d)
{
	return { { "ge.session_device_id", std::to_string(d).c_str() } };
}

// Graph 1 added, compiled, loaded and run; graph 2 only added.
std::unique_ptr<ge::GeSession> LoadedSession(int dev)
{
	std::unique_ptr<ge::GeSession> s(new ge::GeSession(Dev(dev)));
	assert_true(s->GetSessionId() != 0);
	ge::Graph g = ReluGraph();
	assert_int_equal(s->AddGraph(1, g), ge::SUCCESS);
	assert_int_equal(s->AddGraph(2, g), ge::SUCCESS);
	assert_int_equal(s->CompileGraph(1), ge::SUCCESS);
	assert_int_equal(s->LoadGraph(1, {}, nullptr), ge::SUCCESS);
	std::vector<gert::Tensor> out;
	assert_int_equal(s->RunGraph(1, Inputs(), out), ge::SUCCESS);
	assert_int_equal(out.size(), 1);
	const float *y = static_cast<const float *>(out[0].GetAddr());
	for (int i = 0; i < kN; i++)
		assert_true(y[i] == (g_x[i] > 0 ? g_x[i] : 0.0f));
	return s;
}

void AssertMsgNotInitialized()
{
	std::string m = ge::GEGetErrorMsgV3().GetString();
	if (m.find("E10062") == std::string::npos)
		fail_msg("GEGetErrorMsgV3: '%s'", m.c_str());
}

int g_callbacks;
void AssertAllFail(ge::GeSession &s)
{
	std::vector<gert::Tensor> out;
	ge::AscendString json;
	assert_int_equal(s.CompileGraph(2), ge::FAILED);
	AssertMsgNotInitialized();
	assert_int_equal(s.LoadGraph(2, {}, nullptr), ge::FAILED);
	assert_int_equal(s.RunGraph(1, Inputs(), out), ge::FAILED);
	assert_int_equal(s.RunGraph(2, Inputs(), out), ge::FAILED);
	assert_true(out.empty());
	assert_int_equal(s.RunGraphWithStreamAsync(1, nullptr, Inputs(), out), ge::FAILED);
	assert_int_equal(
	        s.RunGraphAsync(1, Inputs(),
	                        [](ge::Status, std::vector<gert::Tensor> &) { g_callbacks++; }),
	        ge::FAILED);
	assert_int_equal(g_callbacks, 0);
	assert_int_equal(s.AddGraph(3, ReluGraph()), ge::FAILED);
	AssertMsgNotInitialized();
	assert_null(s.GetCompiledGraphSummary(1).get());
	assert_int_equal(s.GraphDebugJSONPrint(1, 0, json), ge::FAILED);
	assert_false(s.IsGraphNeedRebuild(1));
	assert_int_equal(s.RemoveGraph(1), ge::FAILED);
}

// aclFinalize, then every call, GEFinalizeV2, and the destructor last.
void test_ge_calls_after_acl_finalize(void **)
{
	Env();
	std::map<ge::AscendString, ge::AscendString> none;
	assert_int_equal(ge::GEInitializeV2(none), ge::SUCCESS);
	std::unique_ptr<ge::GeSession> s = LoadedSession(1);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	AssertAllFail(*s);
	// GE reads as not initialized: a new session is hollow.
	ge::GeSession hollow(Dev(0));
	assert_int_equal(hollow.GetSessionId(), 0);
	assert_int_equal(ge::GEFinalizeV2(), ge::SUCCESS);
	AssertAllFail(*s);
	s.reset(); // clean: ASan and LSan check it
}

// aclFinalize, the destructor, then GEFinalizeV2.
void test_ge_destroy_after_acl_finalize(void **)
{
	Env();
	std::map<ge::AscendString, ge::AscendString> none;
	assert_int_equal(ge::GEInitializeV2(none), ge::SUCCESS);
	std::unique_ptr<ge::GeSession> s = LoadedSession(0);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	s.reset();
	assert_int_equal(ge::GEFinalizeV2(), ge::SUCCESS);
}

// A new runtime (aclInit, GEInitializeV2) after the old one was finalized:
// the old session neither runs on it nor resets its device, and GE's
// finalize leaves the user's aclInit reference alone.
void test_ge_reinit_does_not_rebind(void **)
{
	Env();
	std::map<ge::AscendString, ge::AscendString> none;
	assert_int_equal(ge::GEInitializeV2(none), ge::SUCCESS);
	std::unique_ptr<ge::GeSession> old = LoadedSession(1);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);

	assert_int_equal(aclInit(nullptr), ACL_SUCCESS);         // the user's runtime
	assert_int_equal(ge::GEInitializeV2(none), ge::SUCCESS); // GE on it
	AssertAllFail(*old);
	{
		std::unique_ptr<ge::GeSession> s = LoadedSession(1); // works on the new one
		std::vector<gert::Tensor> out;
		assert_int_equal(s->RunGraph(1, Inputs(), out), ge::SUCCESS);
	}
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS); // the user's device 1
	old.reset(); // must not aclrtResetDevice(1) on the new runtime
	assert_int_equal(aclrtResetDevice(1), ACL_SUCCESS); // so this is the user's
	assert_int_equal(ge::GEFinalizeV2(), ge::SUCCESS);
	// GE dropped its own reference only: the user's runtime is still up.
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
}

// GE finalized while the user's aclInit reference keeps the runtime up, then
// aclFinalize: GEFinalizeV2 a second time after that changes nothing.
void test_ge_finalize_then_acl_finalize(void **)
{
	Env();
	std::map<ge::AscendString, ge::AscendString> none;
	assert_int_equal(aclInit(nullptr), ACL_SUCCESS);
	assert_int_equal(ge::GEInitializeV2(none), ge::SUCCESS);
	std::unique_ptr<ge::GeSession> s = LoadedSession(0);
	assert_int_equal(ge::GEFinalizeV2(), ge::SUCCESS);
	AssertAllFail(*s);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	AssertAllFail(*s);
	assert_int_equal(ge::GEFinalizeV2(), ge::SUCCESS);
	s.reset();
}

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ge_calls_after_acl_finalize),
		cmocka_unit_test(test_ge_destroy_after_acl_finalize),
		cmocka_unit_test(test_ge_reinit_does_not_rebind),
		cmocka_unit_test(test_ge_finalize_then_acl_finalize),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
