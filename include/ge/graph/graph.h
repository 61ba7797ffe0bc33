/*
 * graph/graph.h - GE's ge::Graph (header-only C++17), over weir's front-end
 * graph (ge/weir_ge.h weir_fg_t) or a native graph (weir/graph.h).
 *
 * A graph is one of:
 *   - built from operators (ge::Operator, REG_OP classes): SetInputs walks the
 *     connected component of the input ops as GE does (input, output and
 *     control links, both directions), SetOutputs picks the outputs; AddOp
 *     adds ops the walk would not reach. The operators are turned into a
 *     front-end graph (GE IR domain) when the graph is first used (AddGraph,
 *     DumpToFile), after which changes to the operators are not seen;
 *   - a front-end graph (aclgrphParseONNX, Graph::FromFrontEnd);
 *   - a native graph (Graph::FromNative, weir's own builder).
 * Copies share the graph (GE's Graph is a shared handle too).
 *
 * Data ops are inputs, numbered by their `index` attr (absent: the op's
 * position in SetInputs); their declared type is the op's output desc
 * (else its input desc) when it has a rank; a rank-0 desc declares nothing,
 * so the inputs of each run decide (GE's unknown shape). Const/Constant ops
 * are constants (attr `value`). Every other op keeps its GE type, its
 * inputs in declaration order and its attrs; the GE rules
 * (acl_compat/ge/lower_ge*.c) map it onto the op library.
 */
#ifndef WEIR_GE_GRAPH_GRAPH_H
#define WEIR_GE_GRAPH_GRAPH_H

#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>
#include "weir/graph.h"
#include "ge/weir_ge.h"
#include "graph/ascend_string.h"
#include "graph/operator.h"

namespace ge
{

enum class DumpFormat : uint32_t { kOnnx, kTxt, kReadable };

class Graph
{
      public:
	Graph() = default;
	explicit Graph(const std::string &name) : impl_(std::make_shared<Impl>(name)) {}
	explicit Graph(const char *name)
	    : impl_(std::make_shared<Impl>(name != nullptr ? name : ""))
	{
	}

	/* weir: take ownership of a native graph. */
	static Graph FromNative(weir_graph_t *native)
	{
		Graph g;
		if (native != nullptr) {
			g.impl_ = std::make_shared<Impl>(weir_graph_name(native));
			g.impl_->native.reset(native, weir_graph_destroy);
		}
		return g;
	}
	/* weir: take ownership of a front-end graph. */
	static Graph FromFrontEnd(weir_fg_t *fg)
	{
		Graph g;
		if (fg != nullptr) {
			g.impl_ = std::make_shared<Impl>(weir_fg_name(fg));
			g.impl_->fg.reset(fg, weir_fg_destroy);
		}
		return g;
	}

	Graph &SetInputs(const std::vector<Operator> &inputs)
	{
		if (Editable()) {
			impl_->inputs = inputs;
			impl_->ops_set = true;
		}
		return *this;
	}
	Graph &SetOutputs(const std::vector<Operator> &outputs)
	{
		if (Editable()) {
			impl_->outputs.clear();
			for (const auto &op : outputs) {
				std::vector<size_t> idx;
				const auto &p = detail::ImplOf(op);
				for (size_t i = 0; p && i < p->outputs.size(); i++)
					idx.push_back(i);
				impl_->outputs.emplace_back(op, idx);
			}
			impl_->ops_set = true;
		}
		return *this;
	}
	Graph &SetOutputs(const std::vector<std::pair<Operator, std::vector<size_t>>> &outputs)
	{
		if (Editable()) {
			impl_->outputs = outputs;
			impl_->ops_set = true;
		}
		return *this;
	}
	Graph &SetOutputs(const std::vector<std::pair<ge::Operator, AscendString>> &outputs)
	{
		if (Editable()) {
			impl_->outputs.clear();
			for (const auto &o : outputs) {
				const auto &p = detail::ImplOf(o.first);
				std::vector<size_t> idx;
				for (size_t i = 0; p && i < p->outputs.size(); i++)
					if (p->outputs[i].name == o.second.GetString())
						idx.push_back(i);
				if (idx.empty())
					impl_->error =
					        std::string(
					                "SetOutputs: op has no output named '") +
					        o.second.GetString() + "'";
				impl_->outputs.emplace_back(o.first, idx);
			}
			impl_->ops_set = true;
		}
		return *this;
	}
	Graph &SetOutputs(const std::vector<std::pair<Operator, std::string>> &outputs)
	{
		std::vector<std::pair<ge::Operator, AscendString>> v;
		for (const auto &o : outputs)
			v.emplace_back(o.first, AscendString(o.second.c_str()));
		return SetOutputs(v);
	}
	Graph &SetTargets(const std::vector<Operator> &targets)
	{
		if (Editable()) {
			impl_->targets = targets;
			impl_->ops_set = true;
		}
		return *this;
	}
	graphStatus AddOp(const ge::Operator &op)
	{
		if (!Editable() || !detail::ImplOf(op))
			return GRAPH_FAILED;
		impl_->added.push_back(op);
		impl_->ops_set = true;
		return GRAPH_SUCCESS;
	}

	bool IsValid() const
	{
		return impl_ != nullptr && (impl_->native || impl_->fg || impl_->ops_set);
	}
	graphStatus GetName(AscendString &name) const
	{
		if (!impl_)
			return GRAPH_FAILED;
		name = AscendString(impl_->name.c_str());
		return GRAPH_SUCCESS;
	}
	const std::string &GetName() const
	{
		static const std::string none;
		return impl_ ? impl_->name : none;
	}
	/* weir: nodes of the graph (operators: those the walk reaches). */
	size_t GetDirectNodeCount() const
	{
		if (!impl_)
			return 0;
		if (impl_->native)
			return weir_graph_node_count(impl_->native.get());
		const weir_fg_t *fg = GetFrontEnd();
		return fg ? weir_fg_node_count(fg) + weir_fg_input_count(fg) : 0;
	}
	graphStatus GetAllOpName(std::vector<AscendString> &names) const
	{
		names.clear();
		if (!impl_ || !impl_->ops_set)
			return GRAPH_FAILED;
		std::vector<std::shared_ptr<detail::OpImpl>> ops;
		std::string err;
		if (!Walk(ops, err))
			return GRAPH_FAILED;
		for (const auto &p : ops)
			names.emplace_back(p->name.c_str());
		return GRAPH_SUCCESS;
	}
	graphStatus FindOpByName(const char *name, ge::Operator &op) const
	{
		std::vector<std::shared_ptr<detail::OpImpl>> ops;
		std::string err;
		if (name == nullptr || !impl_ || !impl_->ops_set || !Walk(ops, err))
			return GRAPH_FAILED;
		for (const auto &p : ops)
			if (p->name == name) {
				op = detail::OperatorOf(p);
				return GRAPH_SUCCESS;
			}
		return GRAPH_FAILED;
	}

	/* Text dump (weir's readable form for every DumpFormat) to
	 * ge_readable_<name><suffix>.txt in the working directory. */
	graphStatus DumpToFile(DumpFormat format, const AscendString &suffix) const
	{
		(void)format;
		std::string path = "ge_readable_" + GetName() + suffix.GetString() + ".txt";
		return SaveToFile(path.c_str());
	}
	graphStatus SaveToFile(const char *file_name) const
	{
		if (file_name == nullptr)
			return GRAPH_FAILED;
		char *text = nullptr;
		if (impl_ && impl_->native) {
			if (weir_graph_dump_json(impl_->native.get(), &text) != WEIR_OK)
				return GRAPH_FAILED;
		} else {
			const weir_fg_t *fg = GetFrontEnd();
			if (fg == nullptr || weir_fg_dump(fg, &text) != WEIR_OK)
				return GRAPH_FAILED;
		}
		FILE *f = std::fopen(file_name, "w");
		bool ok = f != nullptr && std::fputs(text, f) >= 0;
		if (f != nullptr && std::fclose(f) != 0)
			ok = false;
		weir_graph_dump_free(text);
		return ok ? GRAPH_SUCCESS : GRAPH_FAILED;
	}

	weir_graph_t *GetNativeGraph() const { return impl_ ? impl_->native.get() : nullptr; }
	/* weir: the front-end graph (built from the operators on first use);
	 * nullptr for a native graph or when the operators do not form a valid
	 * graph (the reason is in weir_graph_last_error / GEGetErrorMsgV2). */
	const weir_fg_t *GetFrontEnd() const
	{
		if (!impl_ || impl_->native)
			return nullptr;
		std::lock_guard<std::mutex> lk(impl_->lock);
		if (!impl_->fg && impl_->ops_set)
			impl_->fg = Build();
		return impl_->fg.get();
	}

      private:
	struct Impl {
		explicit Impl(std::string n) : name(std::move(n)) {}
		std::string name;
		std::shared_ptr<weir_graph_t> native;
		std::shared_ptr<weir_fg_t> fg; // built once, under lock
		std::vector<Operator> inputs, targets, added;
		std::vector<std::pair<Operator, std::vector<size_t>>> outputs;
		bool ops_set = false;
		std::string error;
		std::mutex lock;
	};

	bool Editable() const { return impl_ && !impl_->native && !impl_->fg; }

	using OpPtr = std::shared_ptr<detail::OpImpl>;

	/* GE's walk: breadth-first from the inputs (and AddOp'ed, output and
	 * target ops), following data and control links both ways. */
	bool Walk(std::vector<OpPtr> &order, std::string &err) const
	{
		std::vector<OpPtr> seen;
		std::set<const detail::OpImpl *> mark;
		std::deque<OpPtr> q;
		auto push = [&](const OpPtr &p) {
			if (p && mark.insert(p.get()).second) {
				seen.push_back(p);
				q.push_back(p);
			}
		};
		for (const auto &op : impl_->inputs)
			push(detail::ImplOf(op));
		for (const auto &op : impl_->added)
			push(detail::ImplOf(op));
		for (const auto &o : impl_->outputs)
			push(detail::ImplOf(o.first));
		for (const auto &op : impl_->targets)
			push(detail::ImplOf(op));
		while (!q.empty()) {
			OpPtr p = q.front();
			q.pop_front();
			for (const auto &in : p->inputs)
				push(in.src);
			for (const auto &w : p->consumers)
				push(w.lock());
			for (const auto &c : p->control_inputs)
				push(c);
			for (const auto &w : p->control_outputs)
				push(w.lock());
		}
		/* Kahn's order over data and control edges inside the set. */
		std::unordered_map<const detail::OpImpl *, size_t> pending;
		std::unordered_map<const detail::OpImpl *, std::vector<OpPtr>> users;
		for (const auto &p : seen) {
			size_t n = 0;
			auto dep = [&](const OpPtr &src) {
				if (src && mark.count(src.get())) {
					users[src.get()].push_back(p);
					n++;
				}
			};
			for (const auto &in : p->inputs)
				dep(in.src);
			for (const auto &c : p->control_inputs)
				dep(c);
			pending[p.get()] = n;
		}
		std::deque<OpPtr> ready;
		for (const auto &p : seen)
			if (pending[p.get()] == 0)
				ready.push_back(p);
		while (!ready.empty()) {
			OpPtr p = ready.front();
			ready.pop_front();
			order.push_back(p);
			for (const auto &u : users[p.get()])
				if (--pending[u.get()] == 0)
					ready.push_back(u);
		}
		if (order.size() != seen.size()) {
			for (const auto &p : seen)
				if (pending[p.get()] != 0) {
					err = "the operators form a cycle through '" + p->name +
					      "'";
					break;
				}
			return false;
		}
		return true;
	}

	static int ToDtype(DataType dt) { return static_cast<int>(dt); }

	static bool SetAttr(weir_attrs_t *a, const std::string &name, const AttrValue &v)
	{
		const char *k = name.c_str();
		AttrValue::INT i;
		AttrValue::FLOAT f;
		AttrValue::BOOL b;
		AttrValue::STR s;
		AttrValue::DATA_TYPE dt;
		AttrValue::LIST_INT li;
		AttrValue::LIST_FLOAT lf;
		AttrValue::LIST_BOOL lb;
		AttrValue::LIST_DATA_TYPE ldt;
		AttrValue::LIST_STR ls;
		AttrValue::LIST_LIST_INT lli;
		AttrValue::TENSOR t;
		if (v.GetValue(i) == GRAPH_SUCCESS)
			return weir_attrs_set_int(a, k, i) == WEIR_OK;
		if (v.GetValue(f) == GRAPH_SUCCESS)
			return weir_attrs_set_float(a, k, f) == WEIR_OK;
		if (v.GetValue(b) == GRAPH_SUCCESS)
			return weir_attrs_set_bool(a, k, b) == WEIR_OK;
		if (v.GetValue(s) == GRAPH_SUCCESS)
			return weir_attrs_set_string(a, k, s.c_str()) == WEIR_OK;
		if (v.GetValue(dt) == GRAPH_SUCCESS)
			return weir_attrs_set_int(a, k, ToDtype(dt)) == WEIR_OK;
		if (v.GetValue(li) == GRAPH_SUCCESS)
			return weir_attrs_set_ints(a, k, li.data(), li.size()) == WEIR_OK;
		if (v.GetValue(lf) == GRAPH_SUCCESS)
			return weir_attrs_set_floats(a, k, lf.data(), lf.size()) == WEIR_OK;
		if (v.GetValue(lb) == GRAPH_SUCCESS) {
			std::vector<int64_t> x(lb.begin(), lb.end());
			return weir_attrs_set_ints(a, k, x.data(), x.size()) == WEIR_OK;
		}
		if (v.GetValue(ldt) == GRAPH_SUCCESS) {
			std::vector<int64_t> x;
			for (auto d : ldt)
				x.push_back(ToDtype(d));
			return weir_attrs_set_ints(a, k, x.data(), x.size()) == WEIR_OK;
		}
		if (v.GetValue(ls) == GRAPH_SUCCESS) {
			std::string joined; // string lists travel joined by '\n'
			for (size_t n = 0; n < ls.size(); n++)
				joined += (n ? "\n" : "") + ls[n];
			return weir_attrs_set_string(a, k, joined.c_str()) == WEIR_OK;
		}
		if (v.GetValue(lli) == GRAPH_SUCCESS) {
			std::vector<int64_t> x; // flattened row by row
			for (const auto &row : lli)
				x.insert(x.end(), row.begin(), row.end());
			return weir_attrs_set_ints(a, k, x.data(), x.size()) == WEIR_OK;
		}
		if (v.GetValue(t) == GRAPH_SUCCESS) {
			weir_tensor_desc_t d;
			if (!TensorToDesc(t, d))
				return false;
			return weir_attrs_set_tensor(a, k, &d, t.GetData()) == WEIR_OK;
		}
		return true; // named attrs, bytes, tensor lists: no op of weir reads them
	}

	static bool TensorToDesc(const Tensor &t, weir_tensor_desc_t &d)
	{
		TensorDesc td = t.GetTensorDesc();
		std::vector<int64_t> dims = td.GetShape().GetDims();
		if (dims.size() > WEIR_MAX_RANK)
			return false;
		if (weir_tensor_desc_init(&d, ToDtype(td.GetDataType()),
		                          static_cast<uint32_t>(dims.size()),
		                          dims.data()) != WEIR_OK)
			return false;
		int64_t bytes = weir_tensor_desc_bytes(&d);
		return bytes >= 0 && t.GetSize() >= static_cast<size_t>(bytes);
	}

	static bool DeclaredDesc(const detail::OpImpl &p, weir_fg_desc_t &d)
	{
		d = weir_fg_desc_t{};
		d.dtype = WEIR_DT_UNDEFINED;
		d.rank = -1;
		const TensorDesc *td = nullptr;
		if (!p.outputs.empty() && p.outputs[0].desc.GetShape().GetDimNum() > 0)
			td = &p.outputs[0].desc;
		else if (!p.inputs.empty() && p.inputs[0].desc.GetShape().GetDimNum() > 0)
			td = &p.inputs[0].desc;
		if (td == nullptr)
			return true;
		std::vector<int64_t> dims = td->GetShape().GetDims();
		if (dims.size() == 1 && dims[0] == -2)
			return true; // GE's unknown rank
		if (dims.size() > WEIR_MAX_RANK)
			return false;
		d.dtype = ToDtype(td->GetDataType());
		d.rank = static_cast<int32_t>(dims.size());
		for (size_t i = 0; i < dims.size(); i++)
			d.dims[i] = dims[i] < 0 ? -1 : dims[i];
		return true;
	}

	/* A convolution's filter layout comes from the filter's desc (GE clients
	 * give Const weights FORMAT_HWCN and the like): pass it on as the
	 * filter_format attr the GE rules read, unless the op sets one. */
	static void FilterFormat(const detail::OpImpl &p, weir_attrs_t *a)
	{
		if (p.attrs.count("filter_format"))
			return;
		for (const auto &in : p.inputs) {
			if (in.name != "filter" || !in.src)
				continue;
			Format f = FORMAT_RESERVED;
			Tensor t;
			auto it = in.src->attrs.find("value");
			if ((in.src->type == "Const" || in.src->type == "Constant") &&
			    it != in.src->attrs.end() && it->second.GetValue(t) == GRAPH_SUCCESS)
				f = t.GetTensorDesc().GetFormat();
			else if (in.src_index >= 0 &&
			         static_cast<size_t>(in.src_index) < in.src->outputs.size())
				f = in.src->outputs[in.src_index].desc.GetFormat();
			const char *name = f == FORMAT_NCHW   ? "NCHW"
			                   : f == FORMAT_NHWC ? "NHWC"
			                   : f == FORMAT_HWCN ? "HWCN"
			                                      : nullptr;
			if (p.type == "DepthwiseConv2D" && f == FORMAT_NHWC)
				name = nullptr; // not a depthwise filter layout: the rule's default
			if (name != nullptr)
				weir_attrs_set_string(a, "filter_format", name);
		}
	}

	std::shared_ptr<weir_fg_t> Fail(weir_fg_t *fg, const std::string &msg) const
	{
		impl_->error = msg;
		weir_fg_destroy(fg);
		weir_ge_set_error(msg.c_str());
		return nullptr;
	}

	std::shared_ptr<weir_fg_t> Build() const
	{
		if (!impl_->error.empty())
			return Fail(nullptr, "graph '" + impl_->name + "': " + impl_->error);
		std::vector<OpPtr> order;
		std::string err;
		if (!Walk(order, err))
			return Fail(nullptr, "graph '" + impl_->name + "': " + err);
		weir_fg_t *fg = nullptr;
		if (weir_fg_create(impl_->name.empty() ? "graph" : impl_->name.c_str(), WEIR_FG_GE,
		                   0, &fg) != WEIR_OK)
			return nullptr;
		std::unordered_map<const detail::OpImpl *, int32_t> first; // op -> first value
		std::map<int64_t, const detail::OpImpl *> data_index;
		for (size_t k = 0; k < impl_->inputs.size(); k++) {
			const auto &p = detail::ImplOf(impl_->inputs[k]);
			if (p && p->type != "Data" && p->type != "RefData" && !p->inputs.empty())
				return Fail(fg, "graph '" + impl_->name + "': SetInputs op '" +
				                        p->name + "' (" + p->type +
				                        ") is not a Data op");
		}
		auto input_pos = [&](const detail::OpImpl *p) -> int64_t {
			auto it = p->attrs.find("index");
			int64_t idx = -1;
			if (it != p->attrs.end() && it->second.GetValue(idx) == GRAPH_SUCCESS)
				return idx;
			for (size_t k = 0; k < impl_->inputs.size(); k++)
				if (detail::ImplOf(impl_->inputs[k]).get() == p)
					return static_cast<int64_t>(k);
			return -1;
		};
		for (const auto &p : order) {
			const std::string where = "op '" + p->name + "' (" + p->type + ")";
			int32_t v = -1;
			if (!p->errors.empty())
				return Fail(fg, where + ": " + p->errors.front());
			if (p->type == "Data" || p->type == "RefData") {
				int64_t idx = input_pos(p.get());
				if (idx < 0)
					return Fail(fg, where + " has no index attr and is not in "
					                        "SetInputs");
				weir_fg_desc_t d;
				if (!DeclaredDesc(*p, d))
					return Fail(fg, where + ": rank above 8");
				if (weir_fg_add_input(fg, p->name.c_str(),
				                      static_cast<uint32_t>(idx), &d,
				                      &v) != WEIR_OK)
					return Fail(fg, where + ": " + weir_graph_last_error());
			} else if (p->type == "Const" || p->type == "Constant") {
				auto it = p->attrs.find("value");
				Tensor t;
				weir_tensor_desc_t d;
				if (it == p->attrs.end() ||
				    it->second.GetValue(t) != GRAPH_SUCCESS || !TensorToDesc(t, d))
					return Fail(fg,
					            where + " has no valid 'value' tensor attr");
				if (weir_fg_add_const(fg, p->name.c_str(), &d, t.GetData(), &v) !=
				    WEIR_OK)
					return Fail(fg, where + ": " + weir_graph_last_error());
			} else {
				std::vector<int32_t> ins;
				for (size_t k = 0; k < p->inputs.size(); k++) {
					const auto &in = p->inputs[k];
					if (!in.src) {
						if (in.kind == detail::InKind::kRequired)
							return Fail(fg,
							            where + ": required input '" +
							                    in.name +
							                    "' is not connected");
						ins.push_back(WEIR_FG_NONE);
						continue;
					}
					int64_t si = in.src_index;
					if (si < 0)
						for (size_t o = 0; o < in.src->outputs.size(); o++)
							if (in.src->outputs[o].name ==
							    in.src_out_name)
								si = static_cast<int64_t>(o);
					auto f = first.find(in.src.get());
					size_t nout = in.src->outputs.size();
					if (in.src->type == "Data" || in.src->type == "RefData" ||
					    in.src->type == "Const" || in.src->type == "Constant")
						nout = 1;
					if (si < 0 || static_cast<size_t>(si) >= nout ||
					    f == first.end())
						return Fail(fg,
						            where + ": input '" + in.name +
						                    "' names output " +
						                    (in.src_out_name.empty()
						                             ? std::to_string(si)
						                             : in.src_out_name) +
						                    " of '" + in.src->name +
						                    "', which it does not have");
					ins.push_back(f->second + static_cast<int32_t>(si));
				}
				weir_attrs_t *a = nullptr;
				if (weir_attrs_create(&a) != WEIR_OK)
					return Fail(fg, "out of memory");
				FilterFormat(*p, a);
				for (const auto &kv : p->attrs)
					if (!SetAttr(a, kv.first, kv.second)) {
						weir_attrs_destroy(a);
						return Fail(fg, where + ": attr '" + kv.first +
						                        "' cannot be converted");
					}
				int rc = weir_fg_add_node(
				        fg, p->name.c_str(), p->type.c_str(), ins.data(),
				        static_cast<uint32_t>(ins.size()),
				        static_cast<uint32_t>(p->outputs.size()), a, &v);
				weir_attrs_destroy(a);
				if (rc != WEIR_OK)
					return Fail(fg, where + ": " + weir_graph_last_error());
			}
			first[p.get()] = v;
		}
		std::vector<int32_t> outs;
		for (const auto &o : impl_->outputs) {
			const auto &p = detail::ImplOf(o.first);
			auto f = p ? first.find(p.get()) : first.end();
			if (f == first.end())
				return Fail(fg, "graph '" + impl_->name +
				                        "': an output op is not in the "
				                        "graph");
			for (size_t i : o.second)
				outs.push_back(f->second + static_cast<int32_t>(i));
		}
		if (impl_->outputs.empty()) // no SetOutputs: ops nothing consumes
			for (const auto &p : order) {
				bool used = false;
				for (const auto &w : p->consumers)
					used = used || !w.expired();
				if (!used && p->type != "Data" && p->type != "Const")
					for (size_t i = 0; i < p->outputs.size(); i++)
						outs.push_back(first[p.get()] +
						               static_cast<int32_t>(i));
			}
		if (weir_fg_set_outputs(fg, outs.data(), static_cast<uint32_t>(outs.size())) !=
		    WEIR_OK)
			return Fail(fg, weir_graph_last_error());
		return std::shared_ptr<weir_fg_t>(fg, weir_fg_destroy);
	}

	std::shared_ptr<Impl> impl_;
};

using GraphPtr = std::shared_ptr<Graph>;

} // namespace ge

#endif
