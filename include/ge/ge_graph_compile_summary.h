/*
 * ge/ge_graph_compile_summary.h - GE's CompiledGraphSummary (one class for
 * the v1 and v2 sessions), filled from weir's compiled-graph summary
 * (weir_graph_summary_t). Header-only C++17.
 */
#ifndef WEIR_GE_GRAPH_COMPILE_SUMMARY_H
#define WEIR_GE_GRAPH_COMPILE_SUMMARY_H

#include <cstddef>
#include <memory>
#include <vector>
#include "weir/session.h"
#include "ge/ge_error_codes.h"
#include "graph/tensor.h"
#include "graph/types.h"

namespace ge
{

class CompiledGraphSummary
{
      public:
	explicit CompiledGraphSummary(const weir_graph_summary_t &s) : s_(s)
	{
		for (uint32_t i = 0; i < s.noutputs; i++) {
			std::vector<int64_t> dims(s.output_descs[i].dims,
			                          s.output_descs[i].dims + s.output_descs[i].rank);
			shapes_.push_back(Shape(dims));
			dtypes_.push_back(static_cast<DataType>(s.output_descs[i].dtype));
		}
	}
	bool IsStatic() const { return s_.is_static; }
	Status GetConstMemorySize(size_t &size) const
	{
		size = s_.const_size;
		return SUCCESS;
	}
	Status GetFeatureMemorySize(size_t &size) const
	{
		size = s_.feature_size;
		return SUCCESS;
	}
	Status GetRefreshableFeatureMemorySize(size_t &size) const
	{
		size = s_.feature_size;
		return SUCCESS;
	}
	Status GetFixedFeatureMemorySize(size_t &size) const
	{
		size = 0;
		return SUCCESS;
	}
	Status GetFeatureMemoryBaseRefreshable(bool &v) const
	{
		v = false;
		return SUCCESS;
	}
	Status GetStreamNum(size_t &num) const
	{
		num = s_.streams;
		return SUCCESS;
	}
	Status GetEventNum(size_t &num) const
	{
		num = s_.events;
		return SUCCESS;
	}
	Status GetOutputShapes(std::vector<Shape> &shapes) const
	{
		shapes = shapes_;
		return SUCCESS;
	}
	Status GetOutputDtypes(std::vector<DataType> &dtypes) const
	{
		dtypes = dtypes_;
		return SUCCESS;
	}

      private:
	weir_graph_summary_t s_;
	std::vector<Shape> shapes_;
	std::vector<DataType> dtypes_;
};
using CompiledGraphSummaryPtr = std::shared_ptr<CompiledGraphSummary>;

} // namespace ge

#endif
