/*
 * ge/graph/attr_value.h - ge::AttrValue, one operator attribute value of any
 * GE attribute type, and ge::NamedAttrs (a name plus named AttrValues, GE's
 * "func" attribute type). Header-only.
 *
 * An AttrValue holds one of AttrValue::Variant's alternatives (int64, float,
 * string, bool, Tensor, DataType, NamedAttrs, a list of each, a list of
 * int lists, bytes) or nothing. GetValue succeeds only for the type held
 * (GRAPH_FAILED otherwise, the output left alone); GE's GetValue<T, DT>
 * reads a T and converts it to DT. Strings are kept as std::string;
 * AscendString values convert on the way in and out. A copy is a value copy
 * (Tensors inside are shared handles, as everywhere in GE).
 */
#ifndef WEIR_GE_GRAPH_ATTR_VALUE_H
#define WEIR_GE_GRAPH_ATTR_VALUE_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "graph/ge_error_codes.h"
#include "graph/ascend_string.h"
#include "graph/types.h"
#include "graph/tensor.h"

namespace ge
{

class AttrValue;

/* A name and a set of named attribute values (GE's NamedAttrs). Copies are
 * independent. */
class NamedAttrs
{
      public:
	NamedAttrs();
	NamedAttrs(const NamedAttrs &o);
	NamedAttrs &operator=(const NamedAttrs &o);
	~NamedAttrs() = default;

	void SetName(const std::string &name) { name_ = name; }
	std::string GetName() const { return name_; }
	graphStatus SetAttr(const std::string &name, const AttrValue &value);
	AttrValue GetItem(const std::string &key) const;
	bool HasAttr(const std::string &key) const;
	const std::map<std::string, AttrValue> &GetAllAttrs() const;
	bool operator==(const NamedAttrs &o) const;

      private:
	std::string name_;
	std::shared_ptr<std::map<std::string, AttrValue>> attrs_;
};

class AttrValue
{
      public:
	using INT = int64_t;
	using FLOAT = float;
	using STR = std::string;
	using BOOL = bool;
	using TENSOR = Tensor;
	using DATA_TYPE = DataType;
	using NAMED_ATTRS = NamedAttrs;
	using BYTES = std::vector<uint8_t>;
	using LIST_INT = std::vector<int64_t>;
	using LIST_FLOAT = std::vector<float>;
	using LIST_STR = std::vector<std::string>;
	using LIST_BOOL = std::vector<bool>;
	using LIST_TENSOR = std::vector<Tensor>;
	using LIST_DATA_TYPE = std::vector<DataType>;
	using LIST_NAMED_ATTRS = std::vector<NamedAttrs>;
	using LIST_LIST_INT = std::vector<std::vector<int64_t>>;

	/* Alternative 0 (monostate) is "no value". */
	using Variant = std::variant<std::monostate, INT, FLOAT, STR, BOOL, TENSOR, DATA_TYPE,
	                             NAMED_ATTRS, BYTES, LIST_INT, LIST_FLOAT, LIST_STR, LIST_BOOL,
	                             LIST_TENSOR, LIST_DATA_TYPE, LIST_NAMED_ATTRS, LIST_LIST_INT>;

	template <typename T> static constexpr bool kHolds = std::is_constructible_v<Variant, T>;

	AttrValue() = default;
	~AttrValue() = default;

	/* GE: read a T, then convert it to DT. */
	template <typename T, typename DT> graphStatus GetValue(DT &val) const
	{
		const T *p = std::get_if<T>(&v_);
		if (p == nullptr)
			return GRAPH_FAILED;
		val = DT(*p);
		return GRAPH_SUCCESS;
	}
	template <typename T, typename DT> static T CreateFrom(DT &&val) { return val; }

	/* Exact-type read: GRAPH_FAILED unless a T is held. */
	template <typename T> graphStatus GetValue(T &val) const
	{
		static_assert(!std::is_same_v<T, std::monostate>, "no value to read");
		const T *p = std::get_if<T>(&v_);
		if (p == nullptr)
			return GRAPH_FAILED;
		val = *p;
		return GRAPH_SUCCESS;
	}
	graphStatus GetValue(AscendString &val) const
	{
		const STR *p = std::get_if<STR>(&v_);
		if (p == nullptr)
			return GRAPH_FAILED;
		val = AscendString(p->c_str());
		return GRAPH_SUCCESS;
	}
	graphStatus GetValue(std::vector<AscendString> &val) const
	{
		const LIST_STR *p = std::get_if<LIST_STR>(&v_);
		if (p == nullptr)
			return GRAPH_FAILED;
		val.clear();
		for (const auto &s : *p)
			val.emplace_back(s.c_str());
		return GRAPH_SUCCESS;
	}

	/* T must be one of Variant's alternatives exactly. */
	template <typename T> graphStatus SetValue(const T &val)
	{
		v_.template emplace<T>(val);
		return GRAPH_SUCCESS;
	}
	graphStatus SetValue(const AscendString &val)
	{
		v_ = STR(val.GetString());
		return GRAPH_SUCCESS;
	}
	graphStatus SetValue(const char_t *val)
	{
		v_ = STR(val != nullptr ? val : "");
		return GRAPH_SUCCESS;
	}
	graphStatus SetValue(const std::vector<AscendString> &val)
	{
		LIST_STR l;
		for (const auto &s : val)
			l.emplace_back(s.GetString());
		v_ = std::move(l);
		return GRAPH_SUCCESS;
	}

	bool IsEmpty() const { return v_.index() == 0; }
	/* weir: the held value, for code that walks attributes by type. */
	const Variant &GetVariant() const { return v_; }
	bool operator==(const AttrValue &o) const;

      private:
	Variant v_;
};

inline NamedAttrs::NamedAttrs() : attrs_(std::make_shared<std::map<std::string, AttrValue>>()) {}
inline bool NamedAttrs::HasAttr(const std::string &key) const
{
	return attrs_->count(key) != 0;
}
inline const std::map<std::string, AttrValue> &NamedAttrs::GetAllAttrs() const
{
	return *attrs_;
}
inline NamedAttrs::NamedAttrs(const NamedAttrs &o)
    : name_(o.name_), attrs_(std::make_shared<std::map<std::string, AttrValue>>(*o.attrs_))
{
}
inline NamedAttrs &NamedAttrs::operator=(const NamedAttrs &o)
{
	if (this != &o) {
		name_ = o.name_;
		attrs_ = std::make_shared<std::map<std::string, AttrValue>>(*o.attrs_);
	}
	return *this;
}
inline graphStatus NamedAttrs::SetAttr(const std::string &name, const AttrValue &value)
{
	(*attrs_)[name] = value;
	return GRAPH_SUCCESS;
}
inline AttrValue NamedAttrs::GetItem(const std::string &key) const
{
	auto it = attrs_->find(key);
	return it != attrs_->end() ? it->second : AttrValue();
}
inline bool NamedAttrs::operator==(const NamedAttrs &o) const
{
	return name_ == o.name_ && *attrs_ == *o.attrs_;
}

namespace detail
{
/* Tensors compare by descriptor dtype/shape and bytes. */
inline bool TensorEq(const Tensor &a, const Tensor &b)
{
	if (a.GetDataType() != b.GetDataType() ||
	    a.GetTensorDesc().GetShape().GetDims() != b.GetTensorDesc().GetShape().GetDims() ||
	    a.GetSize() != b.GetSize())
		return false;
	return a.GetSize() == 0 || std::memcmp(a.GetData(), b.GetData(), a.GetSize()) == 0;
}
} // namespace detail

inline bool AttrValue::operator==(const AttrValue &o) const
{
	if (v_.index() != o.v_.index())
		return false;
	if (const Tensor *t = std::get_if<TENSOR>(&v_))
		return detail::TensorEq(*t, std::get<TENSOR>(o.v_));
	if (const LIST_TENSOR *l = std::get_if<LIST_TENSOR>(&v_)) {
		const LIST_TENSOR &r = std::get<LIST_TENSOR>(o.v_);
		if (l->size() != r.size())
			return false;
		for (size_t i = 0; i < l->size(); ++i)
			if (!detail::TensorEq((*l)[i], r[i]))
				return false;
		return true;
	}
	return std::visit(
	        [&o](const auto &a) -> bool {
		        using A = std::decay_t<decltype(a)>;
		        if constexpr (std::is_same_v<A, TENSOR> || std::is_same_v<A, LIST_TENSOR>)
			        return false; /* handled above */
		        else
			        return a == std::get<A>(o.v_);
	        },
	        v_);
}

} // namespace ge

#endif
