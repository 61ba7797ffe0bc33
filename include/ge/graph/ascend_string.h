/*
 * ge/graph/ascend_string.h - ge::AscendString, GE's string type for option
 * maps and messages (a subset of metadef's class, same names). Header-only.
 */
#ifndef WEIR_GE_GRAPH_ASCEND_STRING_H
#define WEIR_GE_GRAPH_ASCEND_STRING_H

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

namespace ge
{

class AscendString
{
      public:
	AscendString() = default;
	AscendString(const char *name) : name_(name ? std::make_shared<std::string>(name) : nullptr)
	{
	}
	AscendString(const char *name, size_t length)
	    : name_(name ? std::make_shared<std::string>(name, length) : nullptr)
	{
	}
	~AscendString() = default;

	const char *GetString() const { return name_ ? name_->c_str() : ""; }
	size_t GetLength() const { return name_ ? name_->size() : 0; }
	size_t Hash() const { return std::hash<std::string>()(name_ ? *name_ : std::string()); }

	bool operator<(const AscendString &d) const
	{
		return std::strcmp(GetString(), d.GetString()) < 0;
	}
	bool operator>(const AscendString &d) const
	{
		return std::strcmp(GetString(), d.GetString()) > 0;
	}
	bool operator<=(const AscendString &d) const { return !(*this > d); }
	bool operator>=(const AscendString &d) const { return !(*this < d); }
	bool operator==(const AscendString &d) const
	{
		return std::strcmp(GetString(), d.GetString()) == 0;
	}
	bool operator!=(const AscendString &d) const { return !(*this == d); }
	size_t Find(const AscendString &s) const
	{
		if (!name_)
			return std::string::npos;
		return name_->find(s.GetString());
	}

      private:
	std::shared_ptr<std::string> name_;
};

} // namespace ge

namespace std
{
template <> struct hash<ge::AscendString> {
	size_t operator()(const ge::AscendString &s) const { return s.Hash(); }
};
} // namespace std

#endif
