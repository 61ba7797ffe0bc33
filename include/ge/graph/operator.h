/*
 * ge/graph/operator.h - ge::Operator, GE's operator IR node (metadef's
 * graph/operator.h: same names, prototypes and defaults). Header-only.
 *
 * An Operator is a shared handle on a detail::OpImpl: copies (and the
 * REG_OP subclasses sliced to Operator) refer to the same node. Edges live
 * on the nodes from the moment SetInput/AddControlInput is called (as in
 * GE); ge::Graph only discovers them by walking from its inputs.
 *
 * detail::OpImpl (the graph converter reads it through detail::ImplOf()):
 *   name, type       the node's name and op type
 *   ir_inputs        the IR's inputs in declaration order (name, kind,
 *                    dtype symbol), from InputRegister & co.
 *   inputs           the node's input ports in port order. Each InPort has
 *                    name ("x", or "x0", "x1", ... for the instances of
 *                    dynamic input "x", renumbered in port order after every
 *                    create), ir_name ("x"), kind, src (the producing node;
 *                    null = unconnected), src_index (the producer's output
 *                    index; -1 = not resolved, then src_out_name names the
 *                    output), src_out_name, desc.
 *   outputs          output ports in port order (name, ir_name, dynamic,
 *                    desc); dynamic output "y" instances are "y0", "y1", ...
 *   attrs/attr_order the attribute values (defaults from ATTR, then SetAttr)
 *                    and their names in first-set order
 *   required_attrs   REQUIRED_ATTR names (with their type names in
 *                    required_attr_types); dtype_rules DATATYPE symbols
 *   consumers        weak links to every node that takes one of this node's
 *                    outputs (one entry per consuming node)
 *   control_inputs   nodes this one must run after (strong);
 *   control_outputs  the reverse links (weak)
 *   subgraphs        GRAPH / DYNAMIC_GRAPH slots and their builders
 *   errors           what went wrong while the graph was wired (a SetInput
 *                    naming an input the op does not have, ...): GE logs
 *                    these and carries on, the converter reports them
 * Ownership: a node owns its producers (InPort::src, control_inputs) and
 * only weakly knows its consumers, so a graph lives as long as a handle on
 * any node that (transitively) consumes all of it; no cycle unless the
 * program wires one.
 *
 * Thread-safety: none; build a graph from one thread at a time (GE's
 * Operator is not thread-safe either). The creator registry
 * (operator_factory.h) may be used from any thread.
 */
#ifndef WEIR_GE_GRAPH_OPERATOR_H
#define WEIR_GE_GRAPH_OPERATOR_H

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graph/ge_error_codes.h"
#include "graph/ascend_string.h"
#include "graph/types.h"
#include "graph/tensor.h"
#include "graph/attr_value.h"

namespace ge
{

class Operator;
class Graph;

using SubgraphBuilder = std::function<Graph()>;
using OperatorPtr = std::shared_ptr<Operator>;

namespace detail
{
struct OpImpl;

enum class InKind { kRequired, kOptional, kDynamic };

struct IrInput {
	std::string name;
	InKind kind;
	std::string dtype_sym;
};

struct IrOutput {
	std::string name;
	bool dynamic;
	std::string dtype_sym;
};

struct InPort {
	std::string name;
	std::string ir_name;
	InKind kind = InKind::kRequired;
	std::shared_ptr<OpImpl> src;
	std::string src_out_name;
	int src_index = -1;
	TensorDesc desc;
};

struct OutPort {
	std::string name;
	std::string ir_name;
	bool dynamic = false;
	TensorDesc desc;
};

struct SubgraphSlot {
	std::string ir_name;
	bool dynamic = false;
	std::vector<SubgraphBuilder> builders;
};

/* A DATATYPE(sym, ...) rule: the allowed types, or the promoted symbols. */
struct DtypeRule {
	std::string sym;
	std::vector<DataType> types;
	bool list = false;
	std::vector<std::string> promote;
};

struct OpImpl {
	std::string name;
	std::string type;
	std::vector<IrInput> ir_inputs;
	std::vector<IrOutput> ir_outputs;
	std::vector<InPort> inputs;
	std::vector<OutPort> outputs;
	std::map<std::string, AttrValue> attrs;
	std::vector<std::string> attr_order;
	std::vector<std::string> required_attrs;
	std::map<std::string, std::string> required_attr_types;
	std::vector<DtypeRule> dtype_rules;
	std::vector<std::weak_ptr<OpImpl>> consumers;
	std::vector<std::shared_ptr<OpImpl>> control_inputs;
	std::vector<std::weak_ptr<OpImpl>> control_outputs;
	std::vector<SubgraphSlot> subgraphs;
	std::vector<std::string> errors;

	int InputIndex(const std::string &n) const
	{
		for (size_t i = 0; i < inputs.size(); ++i)
			if (inputs[i].name == n)
				return static_cast<int>(i);
		return -1;
	}
	int OutputIndex(const std::string &n) const
	{
		for (size_t i = 0; i < outputs.size(); ++i)
			if (outputs[i].name == n)
				return static_cast<int>(i);
		return -1;
	}
	void SetAttr(const std::string &n, AttrValue v)
	{
		if (attrs.find(n) == attrs.end())
			attr_order.push_back(n);
		attrs[n] = std::move(v);
	}
	const AttrValue *FindAttr(const std::string &n) const
	{
		auto it = attrs.find(n);
		return it != attrs.end() ? &it->second : nullptr;
	}
	SubgraphSlot *FindSubgraph(const std::string &n)
	{
		for (auto &s : subgraphs)
			if (s.ir_name == n)
				return &s;
		return nullptr;
	}
	void AddConsumer(const std::shared_ptr<OpImpl> &c)
	{
		for (const auto &w : consumers)
			if (w.lock() == c)
				return;
		consumers.push_back(c);
	}
};

inline const std::shared_ptr<OpImpl> &ImplOf(const Operator &op);
inline Operator OperatorOf(std::shared_ptr<OpImpl> impl);

/* Renames the instances of dynamic port `ir` to ir0, ir1, ... in port order. */
template <typename Port> inline void Renumber(std::vector<Port> &ports, const std::string &ir)
{
	size_t k = 0;
	for (auto &p : ports)
		if (p.ir_name == ir && p.name != ir)
			p.name = ir + std::to_string(k++);
}
} // namespace detail

class Operator
{
      public:
	using OpInt = int64_t;
	using OpFloat = float32_t;
	using OpString = std::string;
	using OpAscendString = AscendString;
	using OpBool = bool;
	using OpTensor = Tensor;
	using OpType = ge::DataType;
	using OpNamedAttrs = ge::NamedAttrs;
	using OpListInt = std::vector<int64_t>;
	using OpListFloat = std::vector<float32_t>;
	using OpListString = std::vector<std::string>;
	using OpListAcendString = std::vector<AscendString>;
	using OpListAscendString = std::vector<AscendString>;
	using OpListBool = std::vector<bool>;
	using OpListTensor = std::vector<Tensor>;
	using OpBytes = std::vector<uint8_t>;
	using OpListListInt = std::vector<std::vector<int64_t>>;
	using OpListType = std::vector<ge::DataType>;
	using OpListNamedAttrs = std::vector<ge::NamedAttrs>;

	Operator() {}
	ATTRIBUTED_DEPRECATED(Operator(const char_t *))
	explicit Operator(const std::string &type) : Operator(type.c_str()) {}
	explicit Operator(const char_t *type) : Operator("", type) {}
	ATTRIBUTED_DEPRECATED(Operator(const char_t *, const char_t *))
	Operator(const std::string &name, const std::string &type)
	    : Operator(name.c_str(), type.c_str())
	{
	}
	Operator(const AscendString &name, const AscendString &type)
	    : Operator(name.GetString(), type.GetString())
	{
	}
	Operator(const char_t *name, const char_t *type) : impl_(std::make_shared<detail::OpImpl>())
	{
		impl_->name = name != nullptr ? name : "";
		impl_->type = type != nullptr ? type : "";
	}
	virtual ~Operator() = default;

	bool IsEmpty() const { return impl_ == nullptr; }

	ATTRIBUTED_DEPRECATED(graphStatus GetName(AscendString &) const)
	std::string GetName() const { return impl_ ? impl_->name : std::string(); }
	graphStatus GetName(AscendString &name) const
	{
		if (!impl_)
			return GRAPH_FAILED;
		name = AscendString(impl_->name.c_str());
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetOpType(AscendString &) const)
	std::string GetOpType() const { return impl_ ? impl_->type : std::string(); }
	graphStatus GetOpType(AscendString &type) const
	{
		if (!impl_)
			return GRAPH_FAILED;
		type = AscendString(impl_->type.c_str());
		return GRAPH_SUCCESS;
	}

	/* dst <- src's output 0. */
	ATTRIBUTED_DEPRECATED(Operator &SetInput(const char_t *, const Operator &))
	Operator &SetInput(const std::string &dst_name, const Operator &src_oprt)
	{
		return SetInput(dst_name.c_str(), src_oprt, 0U);
	}
	Operator &SetInput(const char_t *dst_name, const Operator &src_oprt)
	{
		return SetInput(dst_name, src_oprt, 0U);
	}
	/* dst <- src's output named `name` (resolved to its index now when src
	 * has that output, else kept by name). */
	ATTRIBUTED_DEPRECATED(Operator &SetInput(const char_t *, const Operator &, const char_t *))
	Operator &SetInput(const std::string &dst_name, const Operator &src_oprt,
	                   const std::string &name)
	{
		return SetInput(dst_name.c_str(), src_oprt, name.c_str());
	}
	Operator &SetInput(const char_t *dst_name, const Operator &src_oprt, const char_t *name)
	{
		Link(InputIdx(dst_name, "SetInput"), src_oprt, -1, name != nullptr ? name : "");
		return *this;
	}
	ATTRIBUTED_DEPRECATED(Operator &SetInput(const char_t *, const Operator &, uint32_t))
	Operator &SetInput(const std::string &dst_name, const Operator &src_oprt, uint32_t index)
	{
		return SetInput(dst_name.c_str(), src_oprt, index);
	}
	Operator &SetInput(const char_t *dst_name, const Operator &src_oprt, uint32_t index)
	{
		Link(InputIdx(dst_name, "SetInput"), src_oprt, static_cast<int>(index), "");
		return *this;
	}
	Operator &SetInput(uint32_t dst_index, const Operator &src_oprt, uint32_t src_index)
	{
		int d = -1;
		if (impl_ && dst_index < impl_->inputs.size())
			d = static_cast<int>(dst_index);
		else if (impl_)
			impl_->errors.push_back("SetInput: " + impl_->name +
			                        " has no input index " + std::to_string(dst_index));
		Link(d, src_oprt, static_cast<int>(src_index), "");
		return *this;
	}

	Operator &AddControlInput(const Operator &src_oprt)
	{
		if (!impl_ || !src_oprt.impl_)
			return *this;
		auto &ci = impl_->control_inputs;
		if (std::find(ci.begin(), ci.end(), src_oprt.impl_) == ci.end()) {
			ci.push_back(src_oprt.impl_);
			src_oprt.impl_->control_outputs.push_back(impl_);
		}
		return *this;
	}

	/* The value of a Const/Constant producer's "value" attribute. */
	ATTRIBUTED_DEPRECATED(graphStatus GetInputConstData(const char_t *, Tensor &) const)
	graphStatus GetInputConstData(const std::string &dst_name, Tensor &data) const
	{
		return GetInputConstData(dst_name.c_str(), data);
	}
	graphStatus GetInputConstData(const char_t *dst_name, Tensor &data) const
	{
		const detail::InPort *p = FindIn(dst_name);
		if (p == nullptr || !p->src ||
		    (p->src->type != "Const" && p->src->type != "Constant"))
			return GRAPH_FAILED;
		const AttrValue *v = p->src->FindAttr("value");
		return v != nullptr ? v->GetValue(data) : GRAPH_FAILED;
	}

	ATTRIBUTED_DEPRECATED(TensorDesc GetInputDescByName(const char_t *) const)
	TensorDesc GetInputDesc(const std::string &name) const
	{
		return GetInputDescByName(name.c_str());
	}
	TensorDesc GetInputDescByName(const char_t *name) const
	{
		const detail::InPort *p = FindIn(name);
		return p != nullptr ? p->desc : TensorDesc();
	}
	TensorDesc GetInputDesc(uint32_t index) const
	{
		return impl_ && index < impl_->inputs.size() ? impl_->inputs[index].desc
		                                             : TensorDesc();
	}
	ATTRIBUTED_DEPRECATED(int GetDynamicOutputNum(const char_t *) const)
	int32_t GetDynamicOutputNum(const std::string &name) const
	{
		return GetDynamicOutputNum(name.c_str());
	}
	int32_t GetDynamicOutputNum(const char_t *name) const
	{
		int32_t n = 0;
		if (impl_ && name != nullptr)
			for (const auto &p : impl_->outputs)
				n += (p.dynamic && p.ir_name == name) ? 1 : 0;
		return n;
	}
	ATTRIBUTED_DEPRECATED(int GetDynamicInputNum(const char_t *))
	int32_t GetDynamicInputNum(const std::string &name) const
	{
		return GetDynamicInputNum(name.c_str());
	}
	int32_t GetDynamicInputNum(const char_t *name) const
	{
		int32_t n = 0;
		if (impl_ && name != nullptr)
			for (const auto &p : impl_->inputs)
				n += (p.kind == detail::InKind::kDynamic && p.ir_name == name) ? 1
				                                                               : 0;
		return n;
	}
	ATTRIBUTED_DEPRECATED(graphStatus TryGetInputDesc(const char_t *, TensorDesc &) const)
	graphStatus TryGetInputDesc(const std::string &name, TensorDesc &tensor_desc) const
	{
		return TryGetInputDesc(name.c_str(), tensor_desc);
	}
	graphStatus TryGetInputDesc(const char_t *name, TensorDesc &tensor_desc) const
	{
		const detail::InPort *p = FindIn(name);
		if (p == nullptr)
			return GRAPH_FAILED;
		tensor_desc = p->desc;
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(graphStatus UpdateInputDesc(const char_t *, const TensorDesc &))
	graphStatus UpdateInputDesc(const std::string &name, const TensorDesc &tensor_desc)
	{
		return UpdateInputDesc(name.c_str(), tensor_desc);
	}
	graphStatus UpdateInputDesc(const char_t *name, const TensorDesc &tensor_desc)
	{
		detail::InPort *p = FindIn(name);
		if (p == nullptr)
			return GRAPH_FAILED;
		p->desc = tensor_desc;
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(TensorDesc GetOutputDescByName(const char_t *) const)
	TensorDesc GetOutputDesc(const std::string &name) const
	{
		return GetOutputDescByName(name.c_str());
	}
	TensorDesc GetOutputDescByName(const char_t *name) const
	{
		const detail::OutPort *p = FindOut(name);
		return p != nullptr ? p->desc : TensorDesc();
	}
	TensorDesc GetOutputDesc(uint32_t index) const
	{
		return impl_ && index < impl_->outputs.size() ? impl_->outputs[index].desc
		                                              : TensorDesc();
	}
	ATTRIBUTED_DEPRECATED(graphStatus UpdateOutputDesc(const char_t *,
	                                                   const TensorDesc &tensor_desc))
	graphStatus UpdateOutputDesc(const std::string &name, const TensorDesc &tensor_desc)
	{
		return UpdateOutputDesc(name.c_str(), tensor_desc);
	}
	graphStatus UpdateOutputDesc(const char_t *name, const TensorDesc &tensor_desc)
	{
		detail::OutPort *p = FindOut(name);
		if (p == nullptr)
			return GRAPH_FAILED;
		p->desc = tensor_desc;
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(TensorDesc GetDynamicInputDesc(const char_t *, uint32_t) const)
	TensorDesc GetDynamicInputDesc(const std::string &name, uint32_t index) const
	{
		return GetDynamicInputDesc(name.c_str(), index);
	}
	TensorDesc GetDynamicInputDesc(const char_t *name, uint32_t index) const
	{
		return GetInputDescByName(Indexed(name, index).c_str());
	}
	ATTRIBUTED_DEPRECATED(graphStatus UpdateDynamicInputDesc(const char_t *, uint32_t,
	                                                         const TensorDesc &))
	graphStatus UpdateDynamicInputDesc(const std::string &name, uint32_t index,
	                                   const TensorDesc &tensor_desc)
	{
		return UpdateDynamicInputDesc(name.c_str(), index, tensor_desc);
	}
	graphStatus UpdateDynamicInputDesc(const char_t *name, uint32_t index,
	                                   const TensorDesc &tensor_desc)
	{
		return UpdateInputDesc(Indexed(name, index).c_str(), tensor_desc);
	}
	ATTRIBUTED_DEPRECATED(TensorDesc GetDynamicOutputDesc(const char_t *, uint32_t) const)
	TensorDesc GetDynamicOutputDesc(const std::string &name, uint32_t index) const
	{
		return GetDynamicOutputDesc(name.c_str(), index);
	}
	TensorDesc GetDynamicOutputDesc(const char_t *name, uint32_t index) const
	{
		return GetOutputDescByName(Indexed(name, index).c_str());
	}
	ATTRIBUTED_DEPRECATED(graphStatus UpdateDynamicOutputDesc(const char_t *, uint32_t,
	                                                          const TensorDesc &))
	graphStatus UpdateDynamicOutputDesc(const std::string &name, uint32_t index,
	                                    const TensorDesc &tensor_desc)
	{
		return UpdateDynamicOutputDesc(name.c_str(), index, tensor_desc);
	}
	graphStatus UpdateDynamicOutputDesc(const char_t *name, uint32_t index,
	                                    const TensorDesc &tensor_desc)
	{
		return UpdateOutputDesc(Indexed(name, index).c_str(), tensor_desc);
	}

	/* Runs the op type's registered infer function (INFER_FUNC_REG and
	 * friends) if it has one; GRAPH_SUCCESS otherwise (weir infers shapes
	 * when the graph is compiled). */
	graphStatus InferShapeAndType();

	/* GRAPH_FAILED if a REQUIRED_ATTR has no value. */
	graphStatus VerifyAllAttr(bool disable_common_verifier = false)
	{
		(void)disable_common_verifier;
		if (!impl_)
			return GRAPH_FAILED;
		for (const auto &n : impl_->required_attrs)
			if (impl_->FindAttr(n) == nullptr)
				return GRAPH_FAILED;
		return GRAPH_SUCCESS;
	}

	size_t GetInputsSize() const { return impl_ ? impl_->inputs.size() : 0; }
	size_t GetOutputsSize() const { return impl_ ? impl_->outputs.size() : 0; }

	ATTRIBUTED_DEPRECATED(
	        graphStatus GetAllAttrNamesAndTypes(std::map<AscendString, AscendString> &) const)
	const std::map<std::string, std::string> GetAllAttrNamesAndTypes() const
	{
		std::map<std::string, std::string> out;
		if (impl_)
			for (const auto &kv : impl_->attrs)
				out[kv.first] = TypeName(kv.second);
		return out;
	}
	graphStatus GetAllAttrNamesAndTypes(
	        std::map<AscendString, AscendString> &attr_name_types) const
	{
		if (!impl_)
			return GRAPH_FAILED;
		for (const auto &kv : impl_->attrs)
			attr_name_types[AscendString(kv.first.c_str())] =
			        AscendString(TypeName(kv.second).c_str());
		return GRAPH_SUCCESS;
	}

	/* Attributes, const char* names (std::string names: deprecated forms
	 * below). A GetAttr of a missing attribute or one of another type is
	 * GRAPH_FAILED and leaves the output alone. */
	Operator &SetAttr(const char_t *name, int64_t attr_value)
	{
		return Put(name, AttrValue::INT(attr_value));
	}
	Operator &SetAttr(const char_t *name, int32_t attr_value)
	{
		return Put(name, AttrValue::INT(attr_value));
	}
	Operator &SetAttr(const char_t *name, uint32_t attr_value)
	{
		return Put(name, AttrValue::INT(attr_value));
	}
	graphStatus GetAttr(const char_t *name, int64_t &attr_value) const
	{
		return Get(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, int32_t &attr_value) const
	{
		return GetInt(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, uint32_t &attr_value) const
	{
		return GetInt(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const std::vector<int64_t> &attr_value)
	{
		return Put(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const std::vector<int32_t> &attr_value)
	{
		return Put(name, AttrValue::LIST_INT(attr_value.begin(), attr_value.end()));
	}
	Operator &SetAttr(const char_t *name, const std::vector<uint32_t> &attr_value)
	{
		return Put(name, AttrValue::LIST_INT(attr_value.begin(), attr_value.end()));
	}
	Operator &SetAttr(const char_t *name, std::initializer_list<int64_t> &&attr_value)
	{
		return Put(name, AttrValue::LIST_INT(attr_value));
	}
	graphStatus GetAttr(const char_t *name, std::vector<int64_t> &attr_value) const
	{
		return Get(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, std::vector<int32_t> &attr_value) const
	{
		return GetIntList(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, std::vector<uint32_t> &attr_value) const
	{
		return GetIntList(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, float32_t attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, float32_t &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const std::vector<float32_t> &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, std::vector<float32_t> &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, AttrValue &&attr_value)
	{
		if (impl_ && name != nullptr)
			impl_->SetAttr(name, std::move(attr_value));
		return *this;
	}
	graphStatus GetAttr(const char_t *name, AttrValue &attr_value) const
	{
		const AttrValue *v = impl_ && name != nullptr ? impl_->FindAttr(name) : nullptr;
		if (v == nullptr)
			return GRAPH_FAILED;
		attr_value = *v;
		return GRAPH_SUCCESS;
	}
	Operator &SetAttr(const char_t *name, const char_t *attr_value)
	{
		return Put(name, AttrValue::STR(attr_value != nullptr ? attr_value : ""));
	}
	Operator &SetAttr(const char_t *name, const AscendString &attr_value)
	{
		return Put(name, AttrValue::STR(attr_value.GetString()));
	}
	graphStatus GetAttr(const char_t *name, AscendString &attr_value) const
	{
		std::string s;
		if (Get(name, s) != GRAPH_SUCCESS)
			return GRAPH_FAILED;
		attr_value = AscendString(s.c_str());
		return GRAPH_SUCCESS;
	}
	Operator &SetAttr(const char_t *name, const std::vector<AscendString> &attr_values)
	{
		AttrValue::LIST_STR l;
		for (const auto &s : attr_values)
			l.emplace_back(s.GetString());
		return Put(name, std::move(l));
	}
	graphStatus GetAttr(const char_t *name, std::vector<AscendString> &attr_values) const
	{
		AttrValue::LIST_STR l;
		if (Get(name, l) != GRAPH_SUCCESS)
			return GRAPH_FAILED;
		attr_values.clear();
		for (const auto &s : l)
			attr_values.emplace_back(s.c_str());
		return GRAPH_SUCCESS;
	}
	Operator &SetAttr(const char_t *name, bool attr_value) { return Put(name, attr_value); }
	graphStatus GetAttr(const char_t *name, bool &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const std::vector<bool> &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, std::vector<bool> &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const Tensor &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, Tensor &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const std::vector<Tensor> &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, std::vector<Tensor> &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const OpBytes &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, OpBytes &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const std::vector<std::vector<int64_t>> &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, std::vector<std::vector<int64_t>> &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const std::vector<ge::DataType> &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, std::vector<ge::DataType> &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const ge::DataType &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, ge::DataType &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const ge::NamedAttrs &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, ge::NamedAttrs &attr_value) const
	{
		return Get(name, attr_value);
	}
	Operator &SetAttr(const char_t *name, const std::vector<ge::NamedAttrs> &attr_value)
	{
		return Put(name, attr_value);
	}
	graphStatus GetAttr(const char_t *name, std::vector<ge::NamedAttrs> &attr_value) const
	{
		return Get(name, attr_value);
	}

	/* std::string-named forms (deprecated in GE, except the std::string
	 * value ones, which GE only has with a std::string name). */
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, int64_t))
	Operator &SetAttr(const std::string &name, int64_t attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, int32_t))
	Operator &SetAttr(const std::string &name, int32_t attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, uint32_t))
	Operator &SetAttr(const std::string &name, uint32_t attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, int64_t &) const)
	graphStatus GetAttr(const std::string &name, int64_t &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, int32_t &) const)
	graphStatus GetAttr(const std::string &name, int32_t &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, uint32_t &) const)
	graphStatus GetAttr(const std::string &name, uint32_t &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const std::vector<int64_t> &))
	Operator &SetAttr(const std::string &name, const std::vector<int64_t> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const std::vector<int32_t> &))
	Operator &SetAttr(const std::string &name, const std::vector<int32_t> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const std::vector<uint32_t> &))
	Operator &SetAttr(const std::string &name, const std::vector<uint32_t> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, std::initializer_list<int64_t> &&))
	Operator &SetAttr(const std::string &name, std::initializer_list<int64_t> &&attr_value)
	{
		return SetAttr(name.c_str(), std::move(attr_value));
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *name, std::vector<int64_t> &) const)
	graphStatus GetAttr(const std::string &name, std::vector<int64_t> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *name, std::vector<int32_t> &) const)
	graphStatus GetAttr(const std::string &name, std::vector<int32_t> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const std::string &, std::vector<uint32_t> &)
	                              const)
	graphStatus GetAttr(const std::string &name, std::vector<uint32_t> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, float32_t attr_value))
	Operator &SetAttr(const std::string &name, float32_t attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, float32_t &) const)
	graphStatus GetAttr(const std::string &name, float32_t &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const std::vector<float32_t> &))
	Operator &SetAttr(const std::string &name, const std::vector<float32_t> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, std::vector<float32_t> &) const)
	graphStatus GetAttr(const std::string &name, std::vector<float32_t> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, AttrValue &&))
	Operator &SetAttr(const std::string &name, AttrValue &&attr_value)
	{
		return SetAttr(name.c_str(), std::move(attr_value));
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, AttrValue &) const)
	graphStatus GetAttr(const std::string &name, AttrValue &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	Operator &SetAttr(const std::string &name, const std::string &attr_value)
	{
		return Put(name.c_str(), attr_value);
	}
	graphStatus GetAttr(const std::string &name, std::string &attr_value) const
	{
		return Get(name.c_str(), attr_value);
	}
	Operator &SetAttr(const std::string &name, const std::vector<std::string> &attr_value)
	{
		return Put(name.c_str(), attr_value);
	}
	graphStatus GetAttr(const std::string &name, std::vector<std::string> &attr_value) const
	{
		return Get(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, bool))
	Operator &SetAttr(const std::string &name, bool attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, bool &) const)
	graphStatus GetAttr(const std::string &name, bool &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const std::vector<bool> &))
	Operator &SetAttr(const std::string &name, const std::vector<bool> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, std::vector<bool> &) const)
	graphStatus GetAttr(const std::string &name, std::vector<bool> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const Tensor &))
	Operator &SetAttr(const std::string &name, const Tensor &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, Tensor &) const)
	graphStatus GetAttr(const std::string &name, Tensor &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const std::vector<Tensor> &))
	Operator &SetAttr(const std::string &name, const std::vector<Tensor> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, std::vector<Tensor> &) const)
	graphStatus GetAttr(const std::string &name, std::vector<Tensor> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const OpBytes &))
	Operator &SetAttr(const std::string &name, const OpBytes &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, OpBytes &) const)
	graphStatus GetAttr(const std::string &name, OpBytes &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *,
	                                        const std::vector<std::vector<int64_t>> &))
	Operator &SetAttr(const std::string &name,
	                  const std::vector<std::vector<int64_t>> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *,
	                                          std::vector<std::vector<int64_t>> &) const)
	graphStatus GetAttr(const std::string &name,
	                    std::vector<std::vector<int64_t>> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const std::vector<ge::DataType> &))
	Operator &SetAttr(const std::string &name, const std::vector<ge::DataType> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, std::vector<ge::DataType> &)
	                              const)
	graphStatus GetAttr(const std::string &name, std::vector<ge::DataType> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const ge::DataType &))
	Operator &SetAttr(const std::string &name, const ge::DataType &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, ge::DataType &) const)
	graphStatus GetAttr(const std::string &name, ge::DataType &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *, const ge::NamedAttrs &))
	Operator &SetAttr(const std::string &name, const ge::NamedAttrs &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, ge::NamedAttrs &) const)
	graphStatus GetAttr(const std::string &name, ge::NamedAttrs &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(Operator &SetAttr(const char_t *,
	                                        const std::vector<ge::NamedAttrs> &))
	Operator &SetAttr(const std::string &name, const std::vector<ge::NamedAttrs> &attr_value)
	{
		return SetAttr(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetAttr(const char_t *, std::vector<ge::NamedAttrs> &)
	                              const)
	graphStatus GetAttr(const std::string &name, std::vector<ge::NamedAttrs> &attr_value) const
	{
		return GetAttr(name.c_str(), attr_value);
	}

	/* Drops this node's input and control links. */
	void BreakConnect() const
	{
		if (!impl_)
			return;
		for (auto &p : impl_->inputs)
			p.src.reset();
		impl_->control_inputs.clear();
	}

	size_t GetSubgraphNamesCount() const { return impl_ ? impl_->subgraphs.size() : 0; }
	ATTRIBUTED_DEPRECATED(graphStatus GetSubgraphNames(std::vector<AscendString> &) const)
	std::vector<std::string> GetSubgraphNames() const
	{
		std::vector<std::string> out;
		if (impl_)
			for (const auto &s : impl_->subgraphs)
				out.push_back(s.ir_name);
		return out;
	}
	graphStatus GetSubgraphNames(std::vector<AscendString> &names) const
	{
		if (!impl_)
			return GRAPH_FAILED;
		for (const auto &s : impl_->subgraphs)
			names.emplace_back(s.ir_name.c_str());
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(SubgraphBuilder GetSubgraphBuilder(const char_t *) const)
	SubgraphBuilder GetSubgraphBuilder(const std::string &name) const
	{
		return GetSubgraphBuilder(name.c_str());
	}
	SubgraphBuilder GetSubgraphBuilder(const char_t *name) const
	{
		return GetDynamicSubgraphBuilder(name, 0);
	}
	ATTRIBUTED_DEPRECATED(Graph GetSubgraph(const char_t *) const)
	Graph GetSubgraph(const std::string &name) const;
	/* Defined in graph/operator_reg.h (they build a ge::Graph). */
	Graph GetSubgraph(const char_t *name) const;
	ATTRIBUTED_DEPRECATED(SubgraphBuilder GetDynamicSubgraphBuilder(const char_t *, uint32_t)
	                              const)
	SubgraphBuilder GetDynamicSubgraphBuilder(const std::string &name, uint32_t index) const
	{
		return GetDynamicSubgraphBuilder(name.c_str(), index);
	}
	SubgraphBuilder GetDynamicSubgraphBuilder(const char_t *name, uint32_t index) const
	{
		if (!impl_ || name == nullptr)
			return nullptr;
		const detail::SubgraphSlot *s = impl_->FindSubgraph(name);
		return s != nullptr && index < s->builders.size() ? s->builders[index] : nullptr;
	}
	ATTRIBUTED_DEPRECATED(Graph GetDynamicSubgraph(const char_t *, uint32_t) const)
	Graph GetDynamicSubgraph(const std::string &name, uint32_t index) const;
	Graph GetDynamicSubgraph(const char_t *name, uint32_t index) const;

      protected:
	/* Registration hooks (REG_OP). */
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, float32_t))
	void AttrRegister(const std::string &name, float32_t attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const std::vector<float32_t> &))
	void AttrRegister(const std::string &name, const std::vector<float32_t> &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, int64_t))
	void AttrRegister(const std::string &name, int64_t attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const std::vector<int64_t> &))
	void AttrRegister(const std::string &name, const std::vector<int64_t> &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	void AttrRegister(const std::string &name, const std::string &attr_value)
	{
		Put(name.c_str(), attr_value);
	}
	void AttrRegister(const std::string &name, const std::vector<std::string> &attr_value)
	{
		Put(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, bool))
	void AttrRegister(const std::string &name, bool attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const std::vector<bool> &))
	void AttrRegister(const std::string &name, const std::vector<bool> &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const Tensor &))
	void AttrRegister(const std::string &name, const Tensor &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const std::vector<Tensor> &))
	void AttrRegister(const std::string &name, const std::vector<Tensor> &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const OpBytes &))
	void AttrRegister(const std::string &name, const OpBytes &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *,
	                                        const std::vector<std::vector<int64_t>> &))
	void AttrRegister(const std::string &name,
	                  const std::vector<std::vector<int64_t>> &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const std::vector<ge::DataType> &))
	void AttrRegister(const std::string &name, const std::vector<ge::DataType> &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const ge::DataType &))
	void AttrRegister(const std::string &name, const ge::DataType &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const ge::NamedAttrs &))
	void AttrRegister(const std::string &name, const ge::NamedAttrs &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *,
	                                        const std::vector<ge::NamedAttrs> &))
	void AttrRegister(const std::string &name, const std::vector<ge::NamedAttrs> &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const AscendString &))
	void AttrRegister(const std::string &name, const AscendString &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}
	ATTRIBUTED_DEPRECATED(void AttrRegister(const char_t *, const std::vector<AscendString> &))
	void AttrRegister(const std::string &name, const std::vector<AscendString> &attr_value)
	{
		AttrRegister(name.c_str(), attr_value);
	}

	void AttrRegister(const char_t *name, float32_t attr_value) { Put(name, attr_value); }
	void AttrRegister(const char_t *name, const std::vector<float32_t> &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, int64_t attr_value) { Put(name, attr_value); }
	void AttrRegister(const char_t *name, const std::vector<int64_t> &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, const char_t *attr_value)
	{
		SetAttr(name, attr_value);
	}
	void AttrRegister(const char_t *name, bool attr_value) { Put(name, attr_value); }
	void AttrRegister(const char_t *name, const std::vector<bool> &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, const Tensor &attr_value) { Put(name, attr_value); }
	void AttrRegister(const char_t *name, const std::vector<Tensor> &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, const OpBytes &attr_value) { Put(name, attr_value); }
	void AttrRegister(const char_t *name, const std::vector<std::vector<int64_t>> &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, const std::vector<ge::DataType> &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, const ge::DataType &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, const ge::NamedAttrs &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, const std::vector<ge::NamedAttrs> &attr_value)
	{
		Put(name, attr_value);
	}
	void AttrRegister(const char_t *name, const AscendString &attr_value)
	{
		SetAttr(name, attr_value);
	}
	void AttrRegister(const char_t *name, const std::vector<AscendString> &attr_value)
	{
		SetAttr(name, attr_value);
	}

	explicit Operator(std::shared_ptr<detail::OpImpl> &&op_impl) : impl_(std::move(op_impl)) {}

	ATTRIBUTED_DEPRECATED(void InputRegister(const char_t *))
	void InputRegister(const std::string &name) { InputRegister(name.c_str()); }
	void InputRegister(const char_t *name) { InputRegister(name, ""); }
	void InputRegister(const char_t *name, const char_t *datatype_symbol)
	{
		AddIrInput(name, detail::InKind::kRequired, datatype_symbol);
	}
	ATTRIBUTED_DEPRECATED(void OptionalInputRegister(const char_t *))
	void OptionalInputRegister(const std::string &name) { OptionalInputRegister(name.c_str()); }
	void OptionalInputRegister(const char_t *name) { OptionalInputRegister(name, ""); }
	void OptionalInputRegister(const char_t *name, const char_t *datatype_symbol)
	{
		AddIrInput(name, detail::InKind::kOptional, datatype_symbol);
	}
	void InferFuncRegister(const std::function<graphStatus(Operator &)> &func) { (void)func; }
	void VerifierFuncRegister(const std::function<graphStatus(Operator &)> &func)
	{
		(void)func;
	}
	void InferFormatFuncRegister(const std::function<graphStatus(Operator &)> &func)
	{
		(void)func;
	}
	ATTRIBUTED_DEPRECATED(void OutputRegister(const char_t *))
	void OutputRegister(const std::string &name) { OutputRegister(name.c_str()); }
	void OutputRegister(const char_t *name) { OutputRegister(name, ""); }
	void OutputRegister(const char_t *name, const char_t *datatype_symbol)
	{
		if (!impl_ || name == nullptr)
			return;
		impl_->ir_outputs.push_back(
		        { name, false, datatype_symbol != nullptr ? datatype_symbol : "" });
		detail::OutPort p;
		p.name = p.ir_name = name;
		impl_->outputs.push_back(std::move(p));
	}
	/* Adds `num` instances of dynamic input `name` (name0, name1, ...):
	 * after the existing ones (at the IR position when there are none) for
	 * is_push_back, else at the front of the op's inputs. The first call
	 * (num 0, from REG_OP) records the IR input. */
	ATTRIBUTED_DEPRECATED(void DynamicInputRegister(const char_t *, const unsigned int, bool))
	void DynamicInputRegister(const std::string &name, const unsigned int num,
	                          bool is_push_back = true)
	{
		DynamicInputRegister(name.c_str(), num, is_push_back);
	}
	void DynamicInputRegister(const char_t *name, const unsigned int num,
	                          bool is_push_back = true)
	{
		DynamicInputRegister(name, num, "", is_push_back);
	}
	void DynamicInputRegister(const char_t *name, const unsigned int num,
	                          const char_t *datatype_symbol, bool is_push_back = true)
	{
		if (!impl_ || name == nullptr)
			return;
		if (!HasIrInput(name))
			AddIrInput(name, detail::InKind::kDynamic, datatype_symbol);
		size_t at = 0;
		if (is_push_back) {
			at = DynamicInsertPos(name);
		}
		InsertDynamicInputs(name, num, at);
	}
	ATTRIBUTED_DEPRECATED(void DynamicInputRegisterByIndex(const char_t *, const unsigned int,
	                                                       size_t))
	void DynamicInputRegisterByIndex(const std::string &name, const unsigned int num,
	                                 size_t index)
	{
		DynamicInputRegisterByIndex(name.c_str(), num, index);
	}
	/* Adds `num` instances of dynamic input `name` at input index `index`. */
	void DynamicInputRegisterByIndex(const char_t *name, const unsigned int num, size_t index)
	{
		if (!impl_ || name == nullptr)
			return;
		if (!HasIrInput(name))
			AddIrInput(name, detail::InKind::kDynamic, "");
		InsertDynamicInputs(name, num, std::min(index, impl_->inputs.size()));
	}
	ATTRIBUTED_DEPRECATED(void DynamicOutputRegister(const char_t *, const unsigned int, bool))
	void DynamicOutputRegister(const std::string &name, const unsigned int num,
	                           bool is_push_back = true)
	{
		DynamicOutputRegister(name.c_str(), num, is_push_back);
	}
	void DynamicOutputRegister(const char_t *name, const unsigned int num,
	                           bool is_push_back = true)
	{
		DynamicOutputRegister(name, num, "", is_push_back);
	}
	void DynamicOutputRegister(const char_t *name, const unsigned int num,
	                           const char_t *datatype_symbol, bool is_push_back = true)
	{
		if (!impl_ || name == nullptr)
			return;
		auto &ir = impl_->ir_outputs;
		auto irit = std::find_if(ir.begin(), ir.end(), [name](const detail::IrOutput &o) {
			return o.name == name;
		});
		if (irit == ir.end())
			ir.push_back(
			        { name, true, datatype_symbol != nullptr ? datatype_symbol : "" });
		auto &outs = impl_->outputs;
		size_t at = 0;
		if (is_push_back) {
			/* after the last instance, else after the ports of earlier IR outputs */
			size_t ir_pos = 0;
			while (ir_pos < ir.size() && ir[ir_pos].name != name)
				++ir_pos;
			at = 0;
			for (size_t i = 0; i < outs.size(); ++i) {
				size_t k = 0;
				while (k < ir.size() && ir[k].name != outs[i].ir_name)
					++k;
				if (k <= ir_pos)
					at = i + 1;
			}
		}
		for (unsigned int i = 0; i < num; ++i) {
			detail::OutPort p;
			p.name = std::string(name) + "_new";
			p.ir_name = name;
			p.dynamic = true;
			outs.insert(outs.begin() + static_cast<std::ptrdiff_t>(at + i),
			            std::move(p));
		}
		detail::Renumber(outs, name);
	}
	ATTRIBUTED_DEPRECATED(void RequiredAttrRegister(const char_t *))
	void RequiredAttrRegister(const std::string &name) { RequiredAttrRegister(name.c_str()); }
	void RequiredAttrRegister(const char_t *name) { RequiredAttrWithTypeRegister(name, ""); }
	void RequiredAttrWithTypeRegister(const char_t *name, const char_t *type)
	{
		if (!impl_ || name == nullptr)
			return;
		if (std::find(impl_->required_attrs.begin(), impl_->required_attrs.end(), name) ==
		    impl_->required_attrs.end())
			impl_->required_attrs.push_back(name);
		impl_->required_attr_types[name] = type != nullptr ? type : "";
	}
	void DataTypeRegister(const char_t *datatype_symbol, const TensorType &type_range)
	{
		if (impl_ && datatype_symbol != nullptr)
			impl_->dtype_rules.push_back({ datatype_symbol,
			                               type_range.tensor_type_impl_->dt_vec,
			                               false,
			                               {} });
	}
	void DataTypeRegister(const char_t *datatype_symbol, const ListTensorType &list_type_range)
	{
		if (impl_ && datatype_symbol != nullptr)
			impl_->dtype_rules.push_back(
			        { datatype_symbol,
			          list_type_range.tensor_type.tensor_type_impl_->dt_vec,
			          true,
			          {} });
	}
	void DataTypeRegister(const char_t *datatype_symbol, const Promote &promote_rule)
	{
		if (!impl_ || datatype_symbol == nullptr)
			return;
		detail::DtypeRule r{ datatype_symbol, {}, false, {} };
		for (const char *s : promote_rule.Syms())
			r.promote.emplace_back(s);
		impl_->dtype_rules.push_back(std::move(r));
	}

	graphStatus VerifyAll() { return VerifyAllAttr(); }

	/* Dynamic input `dst_name`+dst_index <- src's output 0 / named output. */
	ATTRIBUTED_DEPRECATED(Operator &SetInput(const char_t *, uint32_t, const Operator &))
	Operator &SetInput(const std::string &dst_name, uint32_t dst_index,
	                   const Operator &src_oprt)
	{
		return SetInput(dst_name.c_str(), dst_index, src_oprt);
	}
	Operator &SetInput(const char_t *dst_name, uint32_t dst_index, const Operator &src_oprt)
	{
		Link(InputIdx(Indexed(dst_name, dst_index).c_str(), "SetInput"), src_oprt, 0, "");
		return *this;
	}
	ATTRIBUTED_DEPRECATED(Operator &SetInput(const char_t *, uint32_t, const Operator &,
	                                         const char_t *))
	Operator &SetInput(const std::string &dst_name, uint32_t dst_index,
	                   const Operator &src_oprt, const std::string &name)
	{
		return SetInput(dst_name.c_str(), dst_index, src_oprt, name.c_str());
	}
	Operator &SetInput(const char_t *dst_name, uint32_t dst_index, const Operator &src_oprt,
	                   const char_t *name)
	{
		Link(InputIdx(Indexed(dst_name, dst_index).c_str(), "SetInput"), src_oprt, -1,
		     name != nullptr ? name : "");
		return *this;
	}

	ATTRIBUTED_DEPRECATED(void SubgraphRegister(const char_t *, bool))
	void SubgraphRegister(const std::string &ir_name, bool dynamic)
	{
		SubgraphRegister(ir_name.c_str(), dynamic);
	}
	void SubgraphRegister(const char_t *ir_name, bool dynamic)
	{
		if (!impl_ || ir_name == nullptr || impl_->FindSubgraph(ir_name) != nullptr)
			return;
		impl_->subgraphs.push_back({ ir_name, dynamic, {} });
	}
	ATTRIBUTED_DEPRECATED(void SubgraphCountRegister(const char_t *, uint32_t))
	void SubgraphCountRegister(const std::string &ir_name, uint32_t count)
	{
		SubgraphCountRegister(ir_name.c_str(), count);
	}
	void SubgraphCountRegister(const char_t *ir_name, uint32_t count)
	{
		detail::SubgraphSlot *s =
		        impl_ && ir_name != nullptr ? impl_->FindSubgraph(ir_name) : nullptr;
		if (s != nullptr)
			s->builders.resize(count);
	}
	ATTRIBUTED_DEPRECATED(void SetSubgraphBuilder(const char_t *, uint32_t,
	                                              const SubgraphBuilder &))
	void SetSubgraphBuilder(const std::string &ir_name, uint32_t index,
	                        const SubgraphBuilder &builder)
	{
		SetSubgraphBuilder(ir_name.c_str(), index, builder);
	}
	void SetSubgraphBuilder(const char_t *ir_name, uint32_t index,
	                        const SubgraphBuilder &builder)
	{
		detail::SubgraphSlot *s =
		        impl_ && ir_name != nullptr ? impl_->FindSubgraph(ir_name) : nullptr;
		if (s != nullptr && index < s->builders.size())
			s->builders[index] = builder;
	}
	ATTRIBUTED_DEPRECATED(Graph GetSubgraphImpl(const char_t *) const)
	Graph GetSubgraphImpl(const std::string &name) const;
	Graph GetSubgraphImpl(const char_t *name) const;

      private:
	friend const std::shared_ptr<detail::OpImpl> &detail::ImplOf(const Operator &op);
	friend Operator detail::OperatorOf(std::shared_ptr<detail::OpImpl> impl);

	static std::string Indexed(const char_t *name, uint32_t index)
	{
		return std::string(name != nullptr ? name : "") + std::to_string(index);
	}
	const detail::InPort *FindIn(const char_t *name) const
	{
		if (!impl_ || name == nullptr)
			return nullptr;
		int i = impl_->InputIndex(name);
		return i >= 0 ? &impl_->inputs[static_cast<size_t>(i)] : nullptr;
	}
	detail::InPort *FindIn(const char_t *name)
	{
		return const_cast<detail::InPort *>(
		        static_cast<const Operator *>(this)->FindIn(name));
	}
	const detail::OutPort *FindOut(const char_t *name) const
	{
		if (!impl_ || name == nullptr)
			return nullptr;
		int i = impl_->OutputIndex(name);
		return i >= 0 ? &impl_->outputs[static_cast<size_t>(i)] : nullptr;
	}
	detail::OutPort *FindOut(const char_t *name)
	{
		return const_cast<detail::OutPort *>(
		        static_cast<const Operator *>(this)->FindOut(name));
	}
	int InputIdx(const char_t *name, const char *what)
	{
		if (!impl_)
			return -1;
		int i = name != nullptr ? impl_->InputIndex(name) : -1;
		if (i < 0)
			impl_->errors.push_back(std::string(what) + ": op " + impl_->name + " (" +
			                        impl_->type + ") has no input " +
			                        (name != nullptr ? name : "(null)"));
		return i;
	}
	/* Connects input port `dst` to src's output src_index (or, for -1,
	 * the output named src_name) and records this op as src's consumer. */
	void Link(int dst, const Operator &src, int src_index, const std::string &src_name)
	{
		if (!impl_ || dst < 0)
			return;
		if (!src.impl_) {
			impl_->errors.push_back("SetInput: input " +
			                        impl_->inputs[static_cast<size_t>(dst)].name +
			                        " of " + impl_->name + " given an empty operator");
			return;
		}
		detail::InPort &p = impl_->inputs[static_cast<size_t>(dst)];
		p.src = src.impl_;
		if (src_index < 0) {
			int k = src.impl_->OutputIndex(src_name);
			p.src_index = k;
			p.src_out_name = src_name;
		} else {
			p.src_index = src_index;
			p.src_out_name =
			        static_cast<size_t>(src_index) < src.impl_->outputs.size()
			                ? src.impl_->outputs[static_cast<size_t>(src_index)].name
			                : std::string();
		}
		src.impl_->AddConsumer(impl_);
	}
	bool HasIrInput(const char_t *name) const
	{
		for (const auto &i : impl_->ir_inputs)
			if (i.name == name)
				return true;
		return false;
	}
	void AddIrInput(const char_t *name, detail::InKind kind, const char_t *sym)
	{
		if (!impl_ || name == nullptr)
			return;
		impl_->ir_inputs.push_back({ name, kind, sym != nullptr ? sym : "" });
		if (kind == detail::InKind::kDynamic)
			return; /* instances come from create_dynamic_input_* */
		detail::InPort p;
		p.name = p.ir_name = name;
		p.kind = kind;
		impl_->inputs.push_back(std::move(p));
	}
	/* Port index after every port of IR inputs declared up to `name`. */
	size_t DynamicInsertPos(const char_t *name) const
	{
		const auto &ir = impl_->ir_inputs;
		size_t ir_pos = 0;
		while (ir_pos < ir.size() && ir[ir_pos].name != name)
			++ir_pos;
		size_t at = 0;
		for (size_t i = 0; i < impl_->inputs.size(); ++i) {
			size_t k = 0;
			while (k < ir.size() && ir[k].name != impl_->inputs[i].ir_name)
				++k;
			if (k <= ir_pos)
				at = i + 1;
		}
		return at;
	}
	void InsertDynamicInputs(const char_t *name, unsigned int num, size_t at)
	{
		auto &ins = impl_->inputs;
		for (unsigned int i = 0; i < num; ++i) {
			detail::InPort p;
			p.name = std::string(name) + "_new";
			p.ir_name = name;
			p.kind = detail::InKind::kDynamic;
			ins.insert(ins.begin() + static_cast<std::ptrdiff_t>(at + i), std::move(p));
		}
		detail::Renumber(ins, name);
	}
	template <typename T> Operator &Put(const char_t *name, T value)
	{
		if (impl_ && name != nullptr) {
			AttrValue v;
			v.SetValue(value);
			impl_->SetAttr(name, std::move(v));
		}
		return *this;
	}
	template <typename T> graphStatus Get(const char_t *name, T &out) const
	{
		const AttrValue *v = impl_ && name != nullptr ? impl_->FindAttr(name) : nullptr;
		return v != nullptr ? v->GetValue(out) : GRAPH_FAILED;
	}
	template <typename T> graphStatus GetInt(const char_t *name, T &out) const
	{
		int64_t v = 0;
		if (Get(name, v) != GRAPH_SUCCESS)
			return GRAPH_FAILED;
		out = static_cast<T>(v);
		return GRAPH_SUCCESS;
	}
	template <typename T> graphStatus GetIntList(const char_t *name, std::vector<T> &out) const
	{
		std::vector<int64_t> v;
		if (Get(name, v) != GRAPH_SUCCESS)
			return GRAPH_FAILED;
		out.assign(v.begin(), v.end());
		return GRAPH_SUCCESS;
	}
	static std::string TypeName(const AttrValue &v)
	{
		static const char *const kNames[] = { "VT_NONE",           "VT_INT",
			                              "VT_FLOAT",          "VT_STRING",
			                              "VT_BOOL",           "VT_TENSOR",
			                              "VT_DATA_TYPE",      "VT_NAMED_ATTRS",
			                              "VT_BYTES",          "VT_LIST_INT",
			                              "VT_LIST_FLOAT",     "VT_LIST_STRING",
			                              "VT_LIST_BOOL",      "VT_LIST_TENSOR",
			                              "VT_LIST_DATA_TYPE", "VT_LIST_NAMED_ATTRS",
			                              "VT_LIST_LIST_INT" };
		return kNames[v.GetVariant().index()];
	}

	std::shared_ptr<detail::OpImpl> impl_;
};

namespace detail
{
/* The node behind an Operator handle (null for a default-constructed one). */
inline const std::shared_ptr<OpImpl> &ImplOf(const Operator &op)
{
	return op.impl_;
}
/* An Operator handle on `impl`. */
inline Operator OperatorOf(std::shared_ptr<OpImpl> impl)
{
	return Operator(std::move(impl));
}

/* Process-wide registries keyed by op type (operator_factory.h fills them). */
struct OpRegistry {
	std::mutex mu;
	std::map<std::string, std::function<Operator(const AscendString &)>> creators;
	std::map<std::string, std::function<graphStatus(Operator &)>> infer;
	std::map<std::string, std::function<graphStatus(Operator &)>> verify;
	std::map<std::string, std::function<graphStatus(Operator &)>> infer_format;
};
inline OpRegistry &Registry()
{
	static OpRegistry r; /* C++11: initialized once, thread-safe */
	return r;
}
} // namespace detail

inline graphStatus Operator::InferShapeAndType()
{
	if (!impl_)
		return GRAPH_FAILED;
	std::function<graphStatus(Operator &)> f;
	{
		detail::OpRegistry &r = detail::Registry();
		std::lock_guard<std::mutex> g(r.mu);
		auto it = r.infer.find(impl_->type);
		if (it != r.infer.end())
			f = it->second;
	}
	return f ? f(*this) : GRAPH_SUCCESS;
}

} // namespace ge

#endif
