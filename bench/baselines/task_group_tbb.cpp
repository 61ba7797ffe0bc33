// bench/baselines/task_group_tbb.cpp - oneTBB baselines behind a C shim:
// task_group (S1: n independent empty tasks, one wait) and a flow-graph
// ping-pong (S4: two serial nodes passing one token). See baselines.h.
// C++17 only because oneTBB is C++; nothing of weir is C++.
#include "baselines/baselines.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <tuple>

struct bl_tbb {
	tbb::task_arena arena;
	explicit bl_tbb(int threads) : arena(threads) {}
};

extern "C" bl_tbb_t *bl_tbb_create(int threads)
{
	try {
		auto *t = new bl_tbb(threads);
		t->arena.initialize();
		return t;
	} catch (...) {
		return nullptr;
	}
}

extern "C" void bl_tbb_destroy(bl_tbb_t *t)
{
	delete t;
}

extern "C" uint64_t bl_tbb_task_group(bl_tbb_t *t, uint64_t n, bl_task_fn fn, void *arg)
{
	uint64_t ns = 0;
	t->arena.execute([&] {
		tbb::task_group tg;
		uint64_t t0 = wb_now_ns();
		for (uint64_t i = 0; i < n; i++)
			tg.run([fn, arg] { fn(arg); });
		tg.wait();
		ns = wb_now_ns() - t0;
	});
	return ns ? ns : 1;
}

extern "C" uint64_t bl_tbb_flow_pingpong(bl_tbb_t *t, uint64_t n, bl_task_fn fn, void *arg)
{
	uint64_t ns = 0;
	t->arena.execute([&] {
		using namespace tbb::flow;
		graph g;
		function_node<uint64_t, uint64_t> a(g, serial, [fn, arg](uint64_t v) {
			fn(arg);
			return v;
		});
		using mf = multifunction_node<uint64_t, std::tuple<uint64_t>>;
		mf b(g, serial, [fn, arg, n](const uint64_t &v, mf::output_ports_type &out) {
			fn(arg);
			if (v + 1 < n)
				std::get<0>(out).try_put(v + 1);
		});
		make_edge(a, b);
		make_edge(output_port<0>(b), a);
		uint64_t t0 = wb_now_ns();
		a.try_put(0);
		g.wait_for_all();
		ns = wb_now_ns() - t0;
	});
	return ns ? ns : 1;
}
