/*
 * ge/graph/graph.h - ge::Graph over weir's native graph (weir/graph.h).
 *
 * weir does not implement GE's operator-prototype IR (REG_OP classes); a
 * ge::Graph is built with the C builder (or wraps one) and handed to
 * GeSession::AddGraph. Copies share the native graph (GE's Graph is a
 * shared handle too). Header-only.
 */
#ifndef WEIR_GE_GRAPH_GRAPH_H
#define WEIR_GE_GRAPH_GRAPH_H

#include <memory>
#include "weir/graph.h"
#include "graph/ascend_string.h"

namespace ge
{

class Graph
{
      public:
	Graph() = default;
	/* An empty graph named `name` (build it through GetNativeGraph()). */
	explicit Graph(const char *name)
	{
		weir_graph_t *g = nullptr;
		if (weir_graph_create(name, &g) == WEIR_OK)
			graph_.reset(g, weir_graph_destroy);
	}
	/* Take ownership of a native graph. */
	static Graph FromNative(weir_graph_t *native)
	{
		Graph g;
		if (native != nullptr)
			g.graph_.reset(native, weir_graph_destroy);
		return g;
	}
	weir_graph_t *GetNativeGraph() const { return graph_.get(); }
	bool IsValid() const { return graph_ != nullptr; }
	AscendString GetName() const
	{
		return graph_ ? AscendString(weir_graph_name(graph_.get())) : AscendString("");
	}
	size_t GetDirectNodeCount() const
	{
		return graph_ ? weir_graph_node_count(graph_.get()) : 0;
	}

      private:
	std::shared_ptr<weir_graph_t> graph_;
};

using GraphPtr = std::shared_ptr<Graph>;

} // namespace ge

#endif
