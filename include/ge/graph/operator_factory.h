/*
 * ge/graph/operator_factory.h - ge::OperatorFactory (create an Operator of a
 * registered type by name) and the registrars REG_OP / INFER_FUNC_REG /
 * VERIFY_FUNC_REG expand to (metadef's graph/operator_factory.h: same names
 * and prototypes). Header-only.
 *
 * The registry is one process-wide table (detail::Registry(), a
 * function-local static behind a mutex): every call may be made from any
 * thread, including from static initializers. Registering a type again
 * keeps the first creator (REG_OP headers included by several translation
 * units register the same op once per unit).
 */
#ifndef WEIR_GE_GRAPH_OPERATOR_FACTORY_H
#define WEIR_GE_GRAPH_OPERATOR_FACTORY_H

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "graph/operator.h"
#include "graph/ge_error_codes.h"
#include "graph/ascend_string.h"
#include "graph/types.h"

namespace ge
{

using OpCreator = std::function<Operator(const std::string &)>;
using OpCreatorV2 = std::function<Operator(const AscendString &)>;
using InferShapeFunc = std::function<graphStatus(Operator &)>;
using InferFormatFunc = std::function<graphStatus(Operator &)>;
using InferValueRangeFunc = std::function<graphStatus(Operator &)>;
using VerifyFunc = std::function<graphStatus(Operator &)>;

enum WHEN_CALL { INPUT_IS_DYNAMIC = 0, INPUT_HAS_VALUE_RANGE = 1 };

namespace detail
{
template <typename F>
inline void RegisterOnce(std::map<std::string, F> OpRegistry::*table, const char_t *type,
                         const F &f)
{
	if (type == nullptr || !f)
		return;
	OpRegistry &r = Registry();
	std::lock_guard<std::mutex> g(r.mu);
	(r.*table).emplace(type, f);
}
} // namespace detail

class OperatorFactory
{
      public:
	ATTRIBUTED_DEPRECATED(static Operator CreateOperator(const char_t *, const char_t *))
	static Operator CreateOperator(const std::string &operator_name,
	                               const std::string &operator_type)
	{
		return CreateOperator(operator_name.c_str(), operator_type.c_str());
	}
	/* A new node of a registered type named operator_name; an empty
	 * Operator (IsEmpty()) for an unknown type. */
	static Operator CreateOperator(const char_t *operator_name, const char_t *operator_type)
	{
		if (operator_type == nullptr)
			return Operator();
		OpCreatorV2 c;
		{
			detail::OpRegistry &r = detail::Registry();
			std::lock_guard<std::mutex> g(r.mu);
			auto it = r.creators.find(operator_type);
			if (it == r.creators.end())
				return Operator();
			c = it->second;
		}
		return c(AscendString(operator_name != nullptr ? operator_name : ""));
	}
	ATTRIBUTED_DEPRECATED(graphStatus GetOpsTypeList(std::vector<AscendString> &))
	static graphStatus GetOpsTypeList(std::vector<std::string> &all_ops)
	{
		detail::OpRegistry &r = detail::Registry();
		std::lock_guard<std::mutex> g(r.mu);
		for (const auto &kv : r.creators)
			all_ops.push_back(kv.first);
		return GRAPH_SUCCESS;
	}
	static graphStatus GetOpsTypeList(std::vector<AscendString> &all_ops)
	{
		detail::OpRegistry &r = detail::Registry();
		std::lock_guard<std::mutex> g(r.mu);
		for (const auto &kv : r.creators)
			all_ops.emplace_back(kv.first.c_str());
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(bool IsExistOp(const char_t *))
	static bool IsExistOp(const std::string &operator_type)
	{
		return IsExistOp(operator_type.c_str());
	}
	static bool IsExistOp(const char_t *operator_type)
	{
		if (operator_type == nullptr)
			return false;
		detail::OpRegistry &r = detail::Registry();
		std::lock_guard<std::mutex> g(r.mu);
		return r.creators.count(operator_type) != 0;
	}
};

class OperatorCreatorRegister
{
      public:
	ATTRIBUTED_DEPRECATED(OperatorCreatorRegister(const char_t *, OpCreatorV2 const &))
	OperatorCreatorRegister(const std::string &operator_type, OpCreator const &op_creator)
	{
		if (op_creator)
			detail::RegisterOnce(&detail::OpRegistry::creators, operator_type.c_str(),
			                     OpCreatorV2([op_creator](const AscendString &n) {
				                     return op_creator(std::string(n.GetString()));
			                     }));
	}
	OperatorCreatorRegister(const char_t *operator_type, OpCreatorV2 const &op_creator)
	{
		detail::RegisterOnce(&detail::OpRegistry::creators, operator_type, op_creator);
	}
	~OperatorCreatorRegister() = default;
};

class InferShapeFuncRegister
{
      public:
	ATTRIBUTED_DEPRECATED(InferShapeFuncRegister(const char_t *, const InferShapeFunc &))
	InferShapeFuncRegister(const std::string &operator_type,
	                       const InferShapeFunc &infer_shape_func)
	    : InferShapeFuncRegister(operator_type.c_str(), infer_shape_func)
	{
	}
	InferShapeFuncRegister(const char_t *operator_type, const InferShapeFunc &infer_shape_func)
	{
		detail::RegisterOnce(&detail::OpRegistry::infer, operator_type, infer_shape_func);
	}
	~InferShapeFuncRegister() = default;
};

class InferFormatFuncRegister
{
      public:
	ATTRIBUTED_DEPRECATED(InferFormatFuncRegister(const char_t *, const InferFormatFunc &))
	InferFormatFuncRegister(const std::string &operator_type,
	                        const InferFormatFunc &infer_format_func)
	    : InferFormatFuncRegister(operator_type.c_str(), infer_format_func)
	{
	}
	InferFormatFuncRegister(const char_t *operator_type,
	                        const InferFormatFunc &infer_format_func)
	{
		detail::RegisterOnce(&detail::OpRegistry::infer_format, operator_type,
		                     infer_format_func);
	}
	~InferFormatFuncRegister() = default;
};

/* Value-range inference is not used by weir: registering is a no-op. */
class InferValueRangeFuncRegister
{
      public:
	InferValueRangeFuncRegister(const char_t *operator_type, WHEN_CALL when_call,
	                            const InferValueRangeFunc &infer_value_range_func)
	{
		(void)operator_type;
		(void)when_call;
		(void)infer_value_range_func;
	}
	InferValueRangeFuncRegister(const char_t *operator_type) { (void)operator_type; }
	~InferValueRangeFuncRegister() = default;
};

class VerifyFuncRegister
{
      public:
	ATTRIBUTED_DEPRECATED(VerifyFuncRegister(const char_t *, const VerifyFunc &))
	VerifyFuncRegister(const std::string &operator_type, const VerifyFunc &verify_func)
	    : VerifyFuncRegister(operator_type.c_str(), verify_func)
	{
	}
	VerifyFuncRegister(const char_t *operator_type, const VerifyFunc &verify_func)
	{
		detail::RegisterOnce(&detail::OpRegistry::verify, operator_type, verify_func);
	}
	~VerifyFuncRegister() = default;
};

} // namespace ge

#endif
