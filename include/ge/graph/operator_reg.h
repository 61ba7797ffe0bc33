/*
 * ge/graph/operator_reg.h - REG_OP and its clauses, which declare a GE
 * operator prototype as a class ge::op::<Type> with GE's generated member
 * functions (name_in_x, set_input_x, get_attr_a, create_dynamic_input_x,
 * ...), and the inference/verifier registration macros (metadef's
 * graph/operator_reg.h: same macro names, arguments and generated members).
 * Header-only.
 *
 *   REG_OP(Foo)
 *       .INPUT(x, TensorType::ALL())      // TensorType / "T": stringized only
 *       .OUTPUT(y, TensorType::ALL())
 *       .ATTR(alpha, Float, 1.0)
 *       .OP_END_FACTORY_REG(Foo)
 *
 * Each clause closes the previous private registration function and opens
 * the next; the constructor runs the chain, so a new Foo has its ports and
 * attribute defaults. OP_END_FACTORY_REG(Foo) registers a creator for
 * OperatorFactory::CreateOperator(name, "Foo") through a static registrar
 * with internal linkage: the same REG_OP may appear in several translation
 * units of one program (the class is an inline definition, each unit
 * registers, the factory keeps the first).
 *
 * INFER_FUNC_REG / COMMON_INFER_FUNC_REG / VERIFY_FUNC_REG register with
 * operator_factory.h's registries (Operator::InferShapeAndType runs the
 * infer function); INFER_FORMAT / value-range registration compiles but
 * weir does not use it.
 */
#ifndef WEIR_GE_GRAPH_OPERATOR_REG_H
#define WEIR_GE_GRAPH_OPERATOR_REG_H

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "graph/operator.h"
#include "graph/operator_factory.h"
#include "graph/tensor.h"
#include "graph/types.h"
#include "graph/graph.h"

namespace ge
{
using std::function;
using std::string;
using std::vector;

namespace detail
{
inline AscendString ToAscendString(const char *s)
{
	return AscendString(s);
}
inline AscendString ToAscendString(const std::string &s)
{
	return AscendString(s.c_str());
}
inline AscendString ToAscendString(const AscendString &s)
{
	return s;
}
inline std::vector<AscendString> ToAscendStrings(const std::vector<std::string> &v)
{
	std::vector<AscendString> out;
	for (const auto &s : v)
		out.emplace_back(s.c_str());
	return out;
}
inline std::vector<AscendString> ToAscendStrings(const std::vector<AscendString> &v)
{
	return v;
}
} // namespace detail

/* The object the clause chain is called on; each clause first calls N(). */
class OpReg
{
      public:
	OpReg &N() { return *this; }
	OpReg &ATTR() { return *this; }
	OpReg &REQUIRED_ATTR() { return *this; }
	OpReg &INPUT() { return *this; }
	OpReg &OPTIONAL_INPUT() { return *this; }
	OpReg &OUTPUT() { return *this; }
	OpReg &GRAPH() { return *this; }
	OpReg &DYNAMIC_GRAPH() { return *this; }
	OpReg &INFER_SHAPE_AND_TYPE() { return *this; }
};

/* Extra accessors string-typed attributes get (AscendString out-param
 * getter, const char* setter), per attribute type; empty for the others. */
#define WEIR_GE_ATTR_EXTRA_String(a, ...)                                             \
	graphStatus get_attr_##a(AscendString &ret) const                             \
	{                                                                             \
		if (Operator::GetAttr(#a, ret) != GRAPH_SUCCESS)                      \
			ret = ::ge::detail::ToAscendString(std::string(__VA_ARGS__)); \
		return GRAPH_SUCCESS;                                                 \
	}                                                                             \
	_THIS_TYPE &set_attr_##a(const char *v)                                       \
	{                                                                             \
		Operator::SetAttr(#a, v);                                             \
		return *this;                                                         \
	}                                                                             \
	_THIS_TYPE &set_attr_##a(const function<AscendString()> &v)                   \
	{                                                                             \
		(void)v;                                                              \
		return *this;                                                         \
	}
#define WEIR_GE_ATTR_EXTRA_ListString(a, ...)                                    \
	graphStatus get_attr_##a(std::vector<AscendString> &ret) const           \
	{                                                                        \
		if (Operator::GetAttr(#a, ret) != GRAPH_SUCCESS)                 \
			ret = ::ge::detail::ToAscendStrings(                     \
			        std::vector<std::string>(__VA_ARGS__));          \
		return GRAPH_SUCCESS;                                            \
	}                                                                        \
	_THIS_TYPE &set_attr_##a(const std::vector<AscendString> &v)             \
	{                                                                        \
		Operator::SetAttr(#a, v);                                        \
		return *this;                                                    \
	}                                                                        \
	_THIS_TYPE &set_attr_##a(const function<std::vector<AscendString>()> &v) \
	{                                                                        \
		(void)v;                                                         \
		return *this;                                                    \
	}
#define WEIR_GE_ATTR_EXTRA_AscendString(a, ...)                  \
	graphStatus get_attr_##a(AscendString &ret) const        \
	{                                                        \
		if (Operator::GetAttr(#a, ret) != GRAPH_SUCCESS) \
			ret = AscendString(__VA_ARGS__);         \
		return GRAPH_SUCCESS;                            \
	}
#define WEIR_GE_ATTR_EXTRA_ListAscendString(a, ...)                    \
	graphStatus get_attr_##a(std::vector<AscendString> &ret) const \
	{                                                              \
		if (Operator::GetAttr(#a, ret) != GRAPH_SUCCESS)       \
			ret = std::vector<AscendString>(__VA_ARGS__);  \
		return GRAPH_SUCCESS;                                  \
	}
#define WEIR_GE_ATTR_EXTRA_Int(a, ...)
#define WEIR_GE_ATTR_EXTRA_Float(a, ...)
#define WEIR_GE_ATTR_EXTRA_Bool(a, ...)
#define WEIR_GE_ATTR_EXTRA_Tensor(a, ...)
#define WEIR_GE_ATTR_EXTRA_Type(a, ...)
#define WEIR_GE_ATTR_EXTRA_NamedAttrs(a, ...)
#define WEIR_GE_ATTR_EXTRA_ListInt(a, ...)
#define WEIR_GE_ATTR_EXTRA_ListFloat(a, ...)
#define WEIR_GE_ATTR_EXTRA_ListBool(a, ...)
#define WEIR_GE_ATTR_EXTRA_ListTensor(a, ...)
#define WEIR_GE_ATTR_EXTRA_Bytes(a, ...)
#define WEIR_GE_ATTR_EXTRA_ListListInt(a, ...)
#define WEIR_GE_ATTR_EXTRA_ListType(a, ...)
#define WEIR_GE_ATTR_EXTRA_ListNamedAttrs(a, ...)

#define WEIR_GE_REQ_EXTRA_String(a)                                 \
	graphStatus get_attr_##a(AscendString &ret) const           \
	{                                                           \
		return Operator::GetAttr(#a, ret);                  \
	}                                                           \
	_THIS_TYPE &set_attr_##a(const char *v)                     \
	{                                                           \
		Operator::SetAttr(#a, v);                           \
		return *this;                                       \
	}                                                           \
	_THIS_TYPE &set_attr_##a(const function<AscendString()> &v) \
	{                                                           \
		(void)v;                                            \
		return *this;                                       \
	}
#define WEIR_GE_REQ_EXTRA_ListString(a)                                          \
	graphStatus get_attr_##a(std::vector<AscendString> &ret) const           \
	{                                                                        \
		return Operator::GetAttr(#a, ret);                               \
	}                                                                        \
	_THIS_TYPE &set_attr_##a(const std::vector<AscendString> &v)             \
	{                                                                        \
		Operator::SetAttr(#a, v);                                        \
		return *this;                                                    \
	}                                                                        \
	_THIS_TYPE &set_attr_##a(const function<std::vector<AscendString>()> &v) \
	{                                                                        \
		(void)v;                                                         \
		return *this;                                                    \
	}
#define WEIR_GE_REQ_EXTRA_AscendString(a)                 \
	graphStatus get_attr_##a(AscendString &ret) const \
	{                                                 \
		return Operator::GetAttr(#a, ret);        \
	}
#define WEIR_GE_REQ_EXTRA_ListAscendString(a)                          \
	graphStatus get_attr_##a(std::vector<AscendString> &ret) const \
	{                                                              \
		return Operator::GetAttr(#a, ret);                     \
	}
#define WEIR_GE_REQ_EXTRA_Int(a)
#define WEIR_GE_REQ_EXTRA_Float(a)
#define WEIR_GE_REQ_EXTRA_Bool(a)
#define WEIR_GE_REQ_EXTRA_Tensor(a)
#define WEIR_GE_REQ_EXTRA_Type(a)
#define WEIR_GE_REQ_EXTRA_NamedAttrs(a)
#define WEIR_GE_REQ_EXTRA_ListInt(a)
#define WEIR_GE_REQ_EXTRA_ListFloat(a)
#define WEIR_GE_REQ_EXTRA_ListBool(a)
#define WEIR_GE_REQ_EXTRA_ListTensor(a)
#define WEIR_GE_REQ_EXTRA_Bytes(a)
#define WEIR_GE_REQ_EXTRA_ListListInt(a)
#define WEIR_GE_REQ_EXTRA_ListType(a)
#define WEIR_GE_REQ_EXTRA_ListNamedAttrs(a)

/* The default value as AttrRegister takes it (strings as AscendString). */
#define WEIR_GE_DEFAULT_String(v)           ::ge::detail::ToAscendString(v)
#define WEIR_GE_DEFAULT_AscendString(v)     ::ge::detail::ToAscendString(v)
#define WEIR_GE_DEFAULT_ListString(v)       ::ge::detail::ToAscendStrings(v)
#define WEIR_GE_DEFAULT_ListAscendString(v) ::ge::detail::ToAscendStrings(v)
#define WEIR_GE_DEFAULT_Int(v)              (v)
#define WEIR_GE_DEFAULT_Float(v)            (v)
#define WEIR_GE_DEFAULT_Bool(v)             (v)
#define WEIR_GE_DEFAULT_Tensor(v)           (v)
#define WEIR_GE_DEFAULT_Type(v)             (v)
#define WEIR_GE_DEFAULT_NamedAttrs(v)       (v)
#define WEIR_GE_DEFAULT_ListInt(v)          (v)
#define WEIR_GE_DEFAULT_ListFloat(v)        (v)
#define WEIR_GE_DEFAULT_ListBool(v)         (v)
#define WEIR_GE_DEFAULT_ListTensor(v)       (v)
#define WEIR_GE_DEFAULT_Bytes(v)            (v)
#define WEIR_GE_DEFAULT_ListListInt(v)      (v)
#define WEIR_GE_DEFAULT_ListType(v)         (v)
#define WEIR_GE_DEFAULT_ListNamedAttrs(v)   (v)

#define REG_OP(x)                                                                             \
	namespace op                                                                          \
	{                                                                                     \
	class x : public Operator                                                             \
	{                                                                                     \
		typedef x _THIS_TYPE;                                                         \
                                                                                              \
	      public:                                                                         \
		ATTRIBUTED_DEPRECATED(x(const char *))                                        \
		explicit x(const std::string &name) : Operator(name.c_str(), #x) { __##x(); } \
		explicit x(const char *name) : Operator(name, #x) { __##x(); }                \
		explicit x(const AscendString &name) : Operator(name, #x) { __##x(); }        \
		x() : Operator(#x) { __##x(); }                                               \
                                                                                              \
	      private:                                                                        \
		void __##x()                                                                  \
		{                                                                             \
			OpReg()

#define ATTR(x, Type, ...)                                                                 \
	N();                                                                               \
	__attr_##x();                                                                      \
	}                                                                                  \
                                                                                           \
      public:                                                                              \
	ATTRIBUTED_DEPRECATED(static void name_attr_##x(AscendString &))                   \
	static const std::string name_attr_##x()                                           \
	{                                                                                  \
		return #x;                                                                 \
	}                                                                                  \
	static void name_attr_##x(AscendString &attr)                                      \
	{                                                                                  \
		attr = AscendString(#x);                                                   \
	}                                                                                  \
	WEIR_GE_ATTR_EXTRA_##Type(x, __VA_ARGS__) Op##Type get_attr_##x() const            \
	{                                                                                  \
		Op##Type ret = __VA_ARGS__;                                                \
		(void)Operator::GetAttr(#x, ret);                                          \
		return ret;                                                                \
	}                                                                                  \
	_THIS_TYPE &set_attr_##x(const Op##Type &v)                                        \
	{                                                                                  \
		Operator::SetAttr(#x, v);                                                  \
		return *this;                                                              \
	}                                                                                  \
	_THIS_TYPE &set_attr_##x(const function<Op##Type()> &v)                            \
	{                                                                                  \
		(void)v;                                                                   \
		return *this;                                                              \
	}                                                                                  \
                                                                                           \
      private:                                                                             \
	void __attr_##x()                                                                  \
	{                                                                                  \
		Operator::AttrRegister(#x, WEIR_GE_DEFAULT_##Type(Op##Type(__VA_ARGS__))); \
		(void)OpReg()

#define REQUIRED_ATTR(x, Type)                                           \
	N();                                                             \
	__required_attr_##x();                                           \
	}                                                                \
                                                                         \
      public:                                                            \
	ATTRIBUTED_DEPRECATED(static void name_attr_##x(AscendString &)) \
	static const std::string name_attr_##x()                         \
	{                                                                \
		return #x;                                               \
	}                                                                \
	static void name_attr_##x(AscendString &attr_name)               \
	{                                                                \
		attr_name = AscendString(#x);                            \
	}                                                                \
	WEIR_GE_REQ_EXTRA_##Type(x) Op##Type get_attr_##x() const        \
	{                                                                \
		Op##Type ret{};                                          \
		(void)Operator::GetAttr(#x, ret);                        \
		return ret;                                              \
	}                                                                \
	_THIS_TYPE &set_attr_##x(const Op##Type &v)                      \
	{                                                                \
		Operator::SetAttr(#x, v);                                \
		return *this;                                            \
	}                                                                \
	_THIS_TYPE &set_attr_##x(const function<Op##Type()> &v)          \
	{                                                                \
		(void)v;                                                 \
		return *this;                                            \
	}                                                                \
                                                                         \
      private:                                                           \
	void __required_attr_##x()                                       \
	{                                                                \
		Operator::RequiredAttrWithTypeRegister(#x, #Type);       \
		(void)OpReg()

#define DATATYPE(x, t)                             \
	N();                                       \
	__datatype_##x();                          \
	}                                          \
                                                   \
      private:                                     \
	void __datatype_##x()                      \
	{                                          \
		Operator::DataTypeRegister(#x, t); \
		(void)OpReg()

/* The members INPUT and OPTIONAL_INPUT share. */
#define WEIR_GE_INPUT_MEMBERS(x)                                                             \
	ATTRIBUTED_DEPRECATED(static void name_in_##x(AscendString &))                       \
	static const std::string name_in_##x()                                               \
	{                                                                                    \
		return #x;                                                                   \
	}                                                                                    \
	static void name_in_##x(AscendString &name)                                          \
	{                                                                                    \
		name = AscendString(#x);                                                     \
	}                                                                                    \
	_THIS_TYPE &set_input_##x(Operator &v)                                               \
	{                                                                                    \
		Operator::SetInput(#x, v);                                                   \
		return *this;                                                                \
	}                                                                                    \
	ATTRIBUTED_DEPRECATED(_THIS_TYPE &set_input_##x##_by_name(Operator &, const char *)) \
	_THIS_TYPE &set_input_##x(Operator &v, const std::string &srcName)                   \
	{                                                                                    \
		Operator::SetInput(#x, v, srcName.c_str());                                  \
		return *this;                                                                \
	}                                                                                    \
	_THIS_TYPE &set_input_##x##_by_name(Operator &v, const char *srcName)                \
	{                                                                                    \
		Operator::SetInput(#x, v, srcName);                                          \
		return *this;                                                                \
	}                                                                                    \
	_THIS_TYPE &set_input_##x(Operator &v, uint32_t index)                               \
	{                                                                                    \
		Operator::SetInput(#x, v, index);                                            \
		return *this;                                                                \
	}                                                                                    \
	TensorDesc get_input_desc_##x() const                                                \
	{                                                                                    \
		return Operator::GetInputDescByName(#x);                                     \
	}                                                                                    \
	graphStatus update_input_desc_##x(const TensorDesc &tensorDesc)                      \
	{                                                                                    \
		return Operator::UpdateInputDesc(#x, tensorDesc);                            \
	}

#define INPUT(x, t)                              \
	N();                                     \
	__input_##x();                           \
	}                                        \
                                                 \
      public:                                    \
	WEIR_GE_INPUT_MEMBERS(x)                 \
                                                 \
      private:                                   \
	void __input_##x()                       \
	{                                        \
		Operator::InputRegister(#x, #t); \
		(void)OpReg()

#define OPTIONAL_INPUT(x, t)                             \
	N();                                             \
	__optional_input_##x();                          \
	}                                                \
                                                         \
      public:                                            \
	WEIR_GE_INPUT_MEMBERS(x)                         \
                                                         \
      private:                                           \
	void __optional_input_##x()                      \
	{                                                \
		Operator::OptionalInputRegister(#x, #t); \
		(void)OpReg()

#define OUTPUT(x, t)                                                     \
	N();                                                             \
	__out_##x();                                                     \
	}                                                                \
                                                                         \
      public:                                                            \
	ATTRIBUTED_DEPRECATED(static void name_out_##x(AscendString &))  \
	static const std::string name_out_##x()                          \
	{                                                                \
		return #x;                                               \
	}                                                                \
	static void name_out_##x(AscendString &name)                     \
	{                                                                \
		name = AscendString(#x);                                 \
	}                                                                \
	TensorDesc get_output_desc_##x() const                           \
	{                                                                \
		return Operator::GetOutputDescByName(#x);                \
	}                                                                \
	graphStatus update_output_desc_##x(const TensorDesc &tensorDesc) \
	{                                                                \
		return Operator::UpdateOutputDesc(#x, tensorDesc);       \
	}                                                                \
                                                                         \
      private:                                                           \
	void __out_##x()                                                 \
	{                                                                \
		Operator::OutputRegister(#x, #t);                        \
		(void)OpReg()

#define DYNAMIC_INPUT(x, t)                                                                     \
	N();                                                                                    \
	__dy_input_##x();                                                                       \
	}                                                                                       \
                                                                                                \
      public:                                                                                   \
	_THIS_TYPE &create_dynamic_input_##x(uint32_t num, bool isPushBack = true)              \
	{                                                                                       \
		Operator::DynamicInputRegister(#x, num, #t, isPushBack);                        \
		return *this;                                                                   \
	}                                                                                       \
	_THIS_TYPE &create_dynamic_input_byindex_##x(uint32_t num, size_t index)                \
	{                                                                                       \
		Operator::DynamicInputRegisterByIndex(#x, num, index);                          \
		return *this;                                                                   \
	}                                                                                       \
	TensorDesc get_dynamic_input_desc_##x(uint32_t index) const                             \
	{                                                                                       \
		return Operator::GetDynamicInputDesc(#x, index);                                \
	}                                                                                       \
	graphStatus update_dynamic_input_desc_##x(uint32_t index, const TensorDesc &tensorDesc) \
	{                                                                                       \
		return Operator::UpdateDynamicInputDesc(#x, index, tensorDesc);                 \
	}                                                                                       \
	_THIS_TYPE &set_dynamic_input_##x(uint32_t dstIndex, Operator &v)                       \
	{                                                                                       \
		Operator::SetInput(#x, dstIndex, v);                                            \
		return *this;                                                                   \
	}                                                                                       \
	ATTRIBUTED_DEPRECATED(                                                                  \
	        _THIS_TYPE &set_dynamic_input_##x(uint32_t, Operator &, const char *))          \
	_THIS_TYPE &set_dynamic_input_##x(uint32_t dstIndex, Operator &v,                       \
	                                  const std::string &srcName)                           \
	{                                                                                       \
		Operator::SetInput(#x, dstIndex, v, srcName.c_str());                           \
		return *this;                                                                   \
	}                                                                                       \
	_THIS_TYPE &set_dynamic_input_##x(uint32_t dstIndex, Operator &v, const char *srcName)  \
	{                                                                                       \
		Operator::SetInput(#x, dstIndex, v, srcName);                                   \
		return *this;                                                                   \
	}                                                                                       \
                                                                                                \
      private:                                                                                  \
	void __dy_input_##x()                                                                   \
	{                                                                                       \
		Operator::DynamicInputRegister(#x, 0, #t, true);                                \
		(void)OpReg()

#define DYNAMIC_OUTPUT(x, t)                                                                     \
	N();                                                                                     \
	__dy_output_##x();                                                                       \
	}                                                                                        \
                                                                                                 \
      public:                                                                                    \
	_THIS_TYPE &create_dynamic_output_##x(uint32_t num, bool isPushBack = true)              \
	{                                                                                        \
		Operator::DynamicOutputRegister(#x, num, #t, isPushBack);                        \
		return *this;                                                                    \
	}                                                                                        \
	TensorDesc get_dynamic_output_desc_##x(uint32_t index) const                             \
	{                                                                                        \
		return Operator::GetDynamicOutputDesc(#x, index);                                \
	}                                                                                        \
	graphStatus update_dynamic_output_desc_##x(uint32_t index, const TensorDesc &tensorDesc) \
	{                                                                                        \
		return Operator::UpdateDynamicOutputDesc(#x, index, tensorDesc);                 \
	}                                                                                        \
                                                                                                 \
      private:                                                                                   \
	void __dy_output_##x()                                                                   \
	{                                                                                        \
		Operator::DynamicOutputRegister(#x, 0, #t, true);                                \
		(void)OpReg()

#define GRAPH(x)                                                          \
	N();                                                              \
	__graph_##x();                                                    \
	}                                                                 \
                                                                          \
      public:                                                             \
	ATTRIBUTED_DEPRECATED(static void name_graph_##x(AscendString &)) \
	static const std::string name_graph_##x()                         \
	{                                                                 \
		return #x;                                                \
	}                                                                 \
	static void name_graph_##x(AscendString &name)                    \
	{                                                                 \
		name = AscendString(#x);                                  \
	}                                                                 \
	SubgraphBuilder get_subgraph_builder_##x() const                  \
	{                                                                 \
		return Operator::GetSubgraphBuilder(#x);                  \
	}                                                                 \
	_THIS_TYPE &set_subgraph_builder_##x(const SubgraphBuilder &v)    \
	{                                                                 \
		Operator::SetSubgraphBuilder(#x, 0, v);                   \
		return *this;                                             \
	}                                                                 \
	Graph get_subgraph_##x() const                                    \
	{                                                                 \
		return Operator::GetSubgraph(#x);                         \
	}                                                                 \
                                                                          \
      private:                                                            \
	void __graph_##x()                                                \
	{                                                                 \
		Operator::SubgraphRegister(#x, false);                    \
		Operator::SubgraphCountRegister(#x, 1);                   \
		(void)OpReg()

#define DYNAMIC_GRAPH(x)                                                                       \
	N();                                                                                   \
	__graph_##x();                                                                         \
	}                                                                                      \
                                                                                               \
      public:                                                                                  \
	ATTRIBUTED_DEPRECATED(static void name_graph_##x(AscendString &))                      \
	static const std::string name_graph_##x()                                              \
	{                                                                                      \
		return #x;                                                                     \
	}                                                                                      \
	static void name_graph_##x(AscendString &name)                                         \
	{                                                                                      \
		name = AscendString(#x);                                                       \
	}                                                                                      \
	_THIS_TYPE &create_dynamic_subgraph_##x(uint32_t num)                                  \
	{                                                                                      \
		Operator::SubgraphCountRegister(#x, num);                                      \
		return *this;                                                                  \
	}                                                                                      \
	SubgraphBuilder get_dynamic_subgraph_builder_##x(uint32_t index) const                 \
	{                                                                                      \
		return Operator::GetDynamicSubgraphBuilder(#x, index);                         \
	}                                                                                      \
	Graph get_dynamic_subgraph_##x(uint32_t index) const                                   \
	{                                                                                      \
		return Operator::GetDynamicSubgraph(#x, index);                                \
	}                                                                                      \
	_THIS_TYPE &set_dynamic_subgraph_builder_##x(uint32_t index, const SubgraphBuilder &v) \
	{                                                                                      \
		Operator::SetSubgraphBuilder(#x, index, v);                                    \
		return *this;                                                                  \
	}                                                                                      \
                                                                                               \
      private:                                                                                 \
	void __graph_##x()                                                                     \
	{                                                                                      \
		Operator::SubgraphRegister(#x, true);                                          \
		(void)OpReg()

#define PASTE(g_register, y) g_register##y
#define WEIR_GE_OP_END(x, n)                                                        \
	N();                                                                        \
	}                                                                           \
	static_assert(std::is_same<x, _THIS_TYPE>::value,                           \
	              "OP_END_FACTORY_REG must name the class REG_OP opened");      \
	}                                                                           \
	;                                                                           \
	}                                                                           \
	[[maybe_unused]] static const OperatorCreatorRegister PASTE(g_register, n)( \
	        #x, [](const AscendString &name) { return Operator(op::x(name)); });
#define OP_END_FACTORY_REG(x) WEIR_GE_OP_END(x, __COUNTER__)

/* Inference / verifier functions: declared as in GE, registered with
 * operator_factory.h's tables. */
#define IMPLEMT_INFERFUNC(op_name, func_name)        static graphStatus func_name(op::op_name &op)
#define IMPLEMT_COMMON_INFERFUNC(func_name)          static graphStatus func_name(Operator &op)
#define IMPLEMT_INFERFORMAT_FUNC(op_name, func_name) static graphStatus func_name(op::op_name &op)
#define IMPLEMT_VERIFIER(op_name, func_name)         static graphStatus func_name(op::op_name op)
#define IMPL_INFER_VALUE_RANGE_FUNC(op_name, func_name) \
	static graphStatus func_name(op::op_name &op)

#define INFER_VERIFY_FUNC(op_name, x) [](Operator &v) { return x(static_cast<op::op_name &>(v)); }
#define COMMON_INFER_VERIFY_FUNC(x)   [](Operator &v) { return x(v); }
#define INFER_FORMAT_FUNC(op_name, x) [](Operator &v) { return x(static_cast<op::op_name &>(v)); }
#define INFER_VALUE_RANGE_FUNC(op_name, x) \
	[](Operator &v) { return x(static_cast<op::op_name &>(v)); }

#define WEIR_GE_INFER_REG(op_name, f, n) \
	[[maybe_unused]] static const InferShapeFuncRegister PASTE(if_register, n)(#op_name, f)
#define WEIR_GE_VERIFY_REG(op_name, f, n) \
	[[maybe_unused]] static const VerifyFuncRegister PASTE(vf_register, n)(#op_name, f)
#define WEIR_GE_FORMAT_REG(op_name, f, n) \
	[[maybe_unused]] static const InferFormatFuncRegister PASTE(ff_register, n)(#op_name, f)

#define INFER_FUNC_REG(op_name, x) \
	WEIR_GE_INFER_REG(op_name, INFER_VERIFY_FUNC(op_name, x), __COUNTER__)
#define COMMON_INFER_FUNC_REG(op_name, x) \
	WEIR_GE_INFER_REG(op_name, COMMON_INFER_VERIFY_FUNC((x)), __COUNTER__)
#define VERIFY_FUNC_REG(op_name, x) \
	WEIR_GE_VERIFY_REG(op_name, INFER_VERIFY_FUNC(op_name, x), __COUNTER__)
#define INFER_FORMAT_FUNC_REG(op_name, x) \
	WEIR_GE_FORMAT_REG(op_name, INFER_FORMAT_FUNC(op_name, x), __COUNTER__)

#define WEIR_GE_IVR_DEFAULT(op_name, n) \
	[[maybe_unused]] static const InferValueRangeFuncRegister PASTE(iv_reg_default, n)(#op_name)
#define INFER_VALUE_RANGE_DEFAULT_REG(op_name) WEIR_GE_IVR_DEFAULT(op_name, __COUNTER__)
#define WEIR_GE_IVR_CUSTOM(op_name, when_call, f, n)                                   \
	[[maybe_unused]] static const InferValueRangeFuncRegister PASTE(iv_reg_custom, \
	                                                                n)(#op_name, when_call, f)
#define INFER_VALUE_RANGE_CUSTOM_FUNC_REG(op_name, when_call, x) \
	WEIR_GE_IVR_CUSTOM(op_name, when_call, INFER_VALUE_RANGE_FUNC(op_name, x), __COUNTER__)

/* Output `out_name` gets input `in_name`'s shape, dtype and shape range. */
#define ELMTWISE_INFER_SHAPEANDTYPE(in_name, out_name)             \
	[](Operator op) -> graphStatus {                           \
		TensorDesc in = op.GetInputDescByName(in_name);    \
		TensorDesc out = op.GetOutputDescByName(out_name); \
		std::vector<std::pair<int64_t, int64_t>> range;    \
		(void)in.GetShapeRange(range);                     \
		out.SetShape(in.GetShape());                       \
		out.SetOriginShape(in.GetShape());                 \
		out.SetDataType(in.GetDataType());                 \
		if (!range.empty())                                \
			out.SetShapeRange(range);                  \
		return op.UpdateOutputDesc(out_name, out);         \
	}

/* Numpy broadcast of the two shapes; GRAPH_FAILED if they do not broadcast. */
inline graphStatus BroadCastInfer(
        const function<vector<int64_t>()> &get_in1_shape,
        const function<vector<int64_t>()> &get_in2_shape,
        const function<void(const std::vector<int64_t> &y_shape)> &set_out_shape)
{
	std::vector<int64_t> a = get_in1_shape(), b = get_in2_shape();
	if (a.size() < b.size())
		a.swap(b);
	std::vector<int64_t> y(a);
	const size_t off = a.size() - b.size();
	for (size_t i = 0; i < b.size(); ++i) {
		int64_t p = a[off + i], q = b[i];
		if (p == q || q == 1)
			y[off + i] = p;
		else if (p == 1)
			y[off + i] = q;
		else if (p == -1 || q == -1)
			y[off + i] = -1;
		else
			return GRAPH_FAILED;
	}
	set_out_shape(y);
	return GRAPH_SUCCESS;
}

#define BROADCAST_INFER(in1_name, in2_name, out_name)                                           \
	[](Operator op) -> graphStatus {                                                        \
		return BroadCastInfer(                                                          \
		        [&]() { return op.GetInputDescByName(in1_name).GetShape().GetDims(); }, \
		        [&]() { return op.GetInputDescByName(in2_name).GetShape().GetDims(); }, \
		        [&](const std::vector<int64_t> &y_shape) {                              \
			        TensorDesc d = op.GetOutputDescByName(out_name);                \
			        d.SetShape(ge::Shape(y_shape));                                 \
			        (void)op.UpdateOutputDesc(out_name, d);                         \
		        });                                                                     \
	}

/* Operator's subgraph accessors build a ge::Graph, so they live here. */
inline Graph Operator::GetDynamicSubgraph(const char_t *name, uint32_t index) const
{
	SubgraphBuilder b = GetDynamicSubgraphBuilder(name, index);
	return b ? b() : Graph();
}
inline Graph Operator::GetDynamicSubgraph(const std::string &name, uint32_t index) const
{
	return GetDynamicSubgraph(name.c_str(), index);
}
inline Graph Operator::GetSubgraph(const char_t *name) const
{
	return GetDynamicSubgraph(name, 0);
}
inline Graph Operator::GetSubgraph(const std::string &name) const
{
	return GetSubgraph(name.c_str());
}
inline Graph Operator::GetSubgraphImpl(const char_t *name) const
{
	return GetSubgraph(name);
}
inline Graph Operator::GetSubgraphImpl(const std::string &name) const
{
	return GetSubgraph(name.c_str());
}

} // namespace ge

#endif
