// bench/bench_graph_tbb.cpp - S6 baselines behind a C shim: the same DAG
// (chain, binary tree, wavefront) as a oneTBB flow graph of continue_nodes
// and as libgomp tasks with depend clauses. Each node does the same work as
// weir's node kernel (out = in0 + in1 + 1 on one float). C++17 because
// oneTBB is C++.
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>
#include <omp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace flow = tbb::flow;

// S6w's real work per node (bench_graph.c): 0 iterations = S6's one float.
extern "C" uint32_t bg_work_iters;
extern "C" float bg_work(float s, uint32_t iters);

struct bg_dag {
	int n;
	std::vector<std::vector<int>> preds; // per node: predecessor nodes (-1 = the input)
	std::vector<float> val;
};

// The graph is constructed inside `arena`: a flow::graph attaches to the
// arena of the thread that constructs it and spawns its node tasks there.
// Built outside it (as this file did until 2026-12-07), the graph ran its
// nodes in the main thread's implicit arena while the main thread waited in
// `arena`, so whether the nodes ran on one thread or two depended on what
// had run before in the process (S6w's TBB makespans were the serial time
// after any weir figure).
struct bg_tbb {
	bg_dag dag;
	tbb::task_arena arena;
	std::unique_ptr<flow::graph> g;
	std::vector<std::unique_ptr<flow::continue_node<flow::continue_msg>>> nodes;
	std::vector<int> roots;
	explicit bg_tbb(int threads) : arena(threads) {}
	~bg_tbb()
	{
		arena.execute([this] {
			nodes.clear();
			g.reset();
		});
	}
};

static void node_work(bg_dag &d, int i)
{
	float s = 1.0f;
	for (int p : d.preds[i])
		s += p < 0 ? 1.0f : d.val[p];
	if (bg_work_iters)
		s = bg_work(s, bg_work_iters);
	d.val[i] = s;
}

extern "C" void *bg_tbb_create(int n, const int *npred, const int *pred, int threads)
{
	try {
		auto *t = new bg_tbb(threads);
		t->dag.n = n;
		t->dag.preds.resize(n);
		t->dag.val.assign(n, 0.0f);
		for (int i = 0, k = 0; i < n; i++)
			for (int j = 0; j < npred[i]; j++)
				t->dag.preds[i].push_back(pred[k++]);
		t->arena.execute([t] {
			t->g.reset(new flow::graph);
			for (int i = 0; i < t->dag.n; i++)
				t->nodes.emplace_back(new flow::continue_node<flow::continue_msg>(
				        *t->g, [t, i](const flow::continue_msg &) {
					        node_work(t->dag, i);
				        }));
			for (int i = 0; i < t->dag.n; i++) {
				bool root = true;
				for (int p : t->dag.preds[i])
					if (p >= 0) {
						flow::make_edge(*t->nodes[p], *t->nodes[i]);
						root = false;
					}
				if (root)
					t->roots.push_back(i);
			}
		});
		return t;
	} catch (...) {
		return nullptr;
	}
}

extern "C" uint64_t bg_tbb_run(void *h, uint64_t iters)
{
	auto *t = static_cast<bg_tbb *>(h);
	auto t0 = std::chrono::steady_clock::now();
	t->arena.execute([t, iters] {
		for (uint64_t it = 0; it < iters; it++) {
			for (int r : t->roots)
				t->nodes[r]->try_put(flow::continue_msg());
			t->g->wait_for_all();
		}
	});
	auto t1 = std::chrono::steady_clock::now();
	return (uint64_t)std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
}

extern "C" float bg_tbb_value(void *h, int i)
{
	return static_cast<bg_tbb *>(h)->dag.val[i];
}

extern "C" void bg_tbb_destroy(void *h)
{
	delete static_cast<bg_tbb *>(h);
}

// libgomp: one task per node per iteration, dependencies through depend
// clauses on the node's value slot.
extern "C" uint64_t bg_omp_run(int n, const int *npred, const int *pred, float *val, int threads,
                               uint64_t iters)
{
	std::vector<int> off(n + 1, 0);
	for (int i = 0; i < n; i++)
		off[i + 1] = off[i] + npred[i];
	auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
#pragma omp single
	for (uint64_t it = 0; it < iters; it++) {
		for (int i = 0; i < n; i++) {
			int np = npred[i];
			const int *pp = pred + off[i];
			// At most two predecessors in these DAGs (chain, tree, wavefront).
			float *a = np > 0 && pp[0] >= 0 ? &val[pp[0]] : &val[i];
			float *b = np > 1 && pp[1] >= 0 ? &val[pp[1]] : a;
			(void)b; // read only by the depend clause, which g++ does not count as a use
#pragma omp task depend(in : a[0], b[0]) depend(out : val[i]) firstprivate(i, np, pp)
			{
				float s = 1.0f;
				for (int k = 0; k < np; k++)
					s += pp[k] < 0 ? 1.0f : val[pp[k]];
				if (bg_work_iters)
					s = bg_work(s, bg_work_iters);
				val[i] = s;
			}
		}
#pragma omp taskwait
	}
	auto t1 = std::chrono::steady_clock::now();
	return (uint64_t)std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
}
