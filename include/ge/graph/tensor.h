/*
 * ge/graph/tensor.h - ge::Shape, ge::TensorDesc and ge::Tensor (metadef's
 * graph/tensor.h: same names, prototypes and defaults). Header-only.
 *
 * Shape and TensorDesc are values: a copy is independent. Tensor is a
 * shared handle, as in GE: a copy refers to the same descriptor and data,
 * so SetData or SetTensorDesc through one copy is seen by every other;
 * Clone() makes an independent deep copy. Tensor data is host memory held
 * in a reference-counted block (detail::TensorBlock) that frees it with the
 * deleter it was given (delete[] / std::vector for data weir copied).
 * Every constructor and SetData overload that takes a pointer and a size
 * copies the bytes, except SetData/ResetData(uint8_t *, size_t, deleter),
 * which adopt the buffer.
 *
 * DT_STRING tensors (SetData of strings) use GE's layout: one StringHead
 * {addr, len} per string (addr = byte offset of the string from the start
 * of the data), then the strings, each followed by a NUL.
 *
 * Thread-safety: none beyond std::shared_ptr's; do not change one tensor
 * from two threads.
 */
#ifndef WEIR_GE_GRAPH_TENSOR_H
#define WEIR_GE_GRAPH_TENSOR_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graph/ge_error_codes.h"
#include "graph/types.h"
#include "graph/ascend_string.h"

namespace ge
{

/* GE's element of a DT_STRING tensor's head table. */
struct StringHead {
	int64_t addr;
	int64_t len;
};

class Shape
{
      public:
	Shape() = default;
	~Shape() = default;
	explicit Shape(const std::vector<int64_t> &dims) : dims_(dims) {}

	/* Number of dims; 0 for unknown rank ({-2}), as in GE. */
	size_t GetDimNum() const
	{
		for (int64_t d : dims_)
			if (d == UNKNOWN_DIM_NUM)
				return 0;
		return dims_.size();
	}
	/* dims[idx], or 0 for an invalid idx. */
	int64_t GetDim(size_t idx) const { return idx < dims_.size() ? dims_[idx] : 0; }
	graphStatus SetDim(size_t idx, int64_t value)
	{
		if (idx >= dims_.size())
			return GRAPH_FAILED;
		dims_[idx] = value;
		return GRAPH_SUCCESS;
	}
	std::vector<int64_t> GetDims() const { return dims_; }
	/* Product of the dims: -1 if any is -1 or -2 (unknown), 0 for a 0
	 * dim, for no dims (a scalar) and on int64 overflow (GE's rules). */
	int64_t GetShapeSize() const
	{
		if (dims_.empty())
			return 0;
		for (int64_t d : dims_)
			if (d == UNKNOWN_DIM || d == UNKNOWN_DIM_NUM)
				return -1;
		int64_t n = 1;
		for (int64_t d : dims_) {
			if (d <= 0)
				return 0;
			if (n > INT64_MAX / d)
				return 0;
			n *= d;
		}
		return n;
	}

      private:
	std::vector<int64_t> dims_;
};

class TensorDesc
{
      public:
	TensorDesc() = default;
	~TensorDesc() = default;
	explicit TensorDesc(Shape shape, Format format = FORMAT_ND, DataType dt = DT_FLOAT)
	    : shape_(std::move(shape)), origin_shape_(shape_), format_(format),
	      origin_format_(format), dtype_(dt)
	{
	}
	TensorDesc(const TensorDesc &desc) = default;
	TensorDesc(TensorDesc &&desc) = default;
	TensorDesc &operator=(const TensorDesc &desc) = default;
	TensorDesc &operator=(TensorDesc &&desc) = default;

	void Update(const Shape &shape, Format format = FORMAT_ND, DataType dt = DT_FLOAT)
	{
		shape_ = shape;
		format_ = format;
		dtype_ = dt;
	}
	Shape GetShape() const { return shape_; }
	void SetShape(const Shape &shape) { shape_ = shape; }
	/* The shape becomes {-2}: unknown rank. */
	graphStatus SetUnknownDimNumShape()
	{
		shape_ = Shape(UNKNOWN_RANK);
		return GRAPH_SUCCESS;
	}
	graphStatus SetShapeRange(const std::vector<std::pair<int64_t, int64_t>> &range)
	{
		shape_range_ = range;
		return GRAPH_SUCCESS;
	}
	graphStatus GetShapeRange(std::vector<std::pair<int64_t, int64_t>> &range) const
	{
		range = shape_range_;
		return GRAPH_SUCCESS;
	}

	Format GetFormat() const { return format_; }
	void SetFormat(Format format) { format_ = format; }
	Shape GetOriginShape() const { return origin_shape_; }
	void SetOriginShape(const Shape &origin_shape) { origin_shape_ = origin_shape; }
	Format GetOriginFormat() const { return origin_format_; }
	void SetOriginFormat(Format origin_format) { origin_format_ = origin_format; }
	DataType GetDataType() const { return dtype_; }
	void SetDataType(DataType dt) { dtype_ = dt; }

	ATTRIBUTED_DEPRECATED(graphStatus GetName(AscendString &))
	std::string GetName() const { return name_; }
	graphStatus GetName(AscendString &name)
	{
		name = AscendString(name_.c_str());
		return GRAPH_SUCCESS;
	}
	graphStatus GetName(AscendString &name) const
	{
		name = AscendString(name_.c_str());
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(void SetName(const char_t *))
	void SetName(const std::string &name) { name_ = name; }
	void SetName(const char_t *name) { name_ = name != nullptr ? name : ""; }

	void SetSize(int64_t size) { size_ = size; }
	int64_t GetSize() const { return size_; }
	/* The dim count the producer declared (GE keeps it as an attribute;
	 * unset: the shape's dim count). */
	int64_t GetRealDimCnt() const
	{
		return real_dim_cnt_ >= 0 ? real_dim_cnt_
		                          : static_cast<int64_t>(shape_.GetDims().size());
	}
	void SetRealDimCnt(const int64_t real_dim_cnt) { real_dim_cnt_ = real_dim_cnt; }
	void SetPlacement(Placement placement) { placement_ = placement; }
	Placement GetPlacement() const { return placement_; }

	/* Constant value attached to the descriptor (GE uses it for value
	 * inference); copies share it. */
	void SetConstData(std::unique_ptr<uint8_t[]> const_data_buffer,
	                  const size_t &const_data_len)
	{
		const_data_ = std::shared_ptr<uint8_t[]>(const_data_buffer.release());
		const_data_len_ = const_data_ ? const_data_len : 0;
	}
	bool GetConstData(uint8_t **const_data_buffer, size_t &const_data_len) const
	{
		if (!const_data_ || const_data_buffer == nullptr)
			return false;
		*const_data_buffer = const_data_.get();
		const_data_len = const_data_len_;
		return true;
	}
	void SetExpandDimsRule(const AscendString &expand_dims_rule)
	{
		expand_dims_rule_ = expand_dims_rule.GetString();
	}
	graphStatus GetExpandDimsRule(AscendString &expand_dims_rule) const
	{
		expand_dims_rule = AscendString(expand_dims_rule_.c_str());
		return GRAPH_SUCCESS;
	}
	void SetReuseInputIndex(const uint32_t idx)
	{
		reuse_input_index_ = static_cast<int64_t>(idx);
	}

      private:
	Shape shape_;
	Shape origin_shape_;
	Format format_ = FORMAT_ND;
	Format origin_format_ = FORMAT_ND;
	DataType dtype_ = DT_FLOAT;
	std::string name_;
	int64_t size_ = 0;
	int64_t real_dim_cnt_ = -1;
	Placement placement_ = kPlacementHost;
	std::vector<std::pair<int64_t, int64_t>> shape_range_;
	std::shared_ptr<uint8_t[]> const_data_;
	size_t const_data_len_ = 0;
	std::string expand_dims_rule_;
	int64_t reuse_input_index_ = -1;
};

namespace detail
{
/* A tensor's bytes: either owned in `owned` or an adopted buffer freed by
 * `deleter` (GE's SetData(ptr, size, deleter)). */
struct TensorBlock {
	std::vector<uint8_t> owned;
	uint8_t *adopted = nullptr;
	size_t size = 0;
	std::function<void(uint8_t *)> deleter;

	TensorBlock() = default;
	TensorBlock(const TensorBlock &) = delete;
	TensorBlock &operator=(const TensorBlock &) = delete;
	~TensorBlock()
	{
		if (adopted != nullptr && deleter)
			deleter(adopted);
	}
	uint8_t *data()
	{
		return adopted != nullptr ? adopted : (owned.empty() ? nullptr : owned.data());
	}
};

struct TensorImpl {
	TensorDesc desc;
	std::shared_ptr<TensorBlock> block;
};

inline std::shared_ptr<TensorBlock> BlockCopy(const uint8_t *p, size_t n)
{
	auto b = std::make_shared<TensorBlock>();
	if (p != nullptr && n > 0)
		b->owned.assign(p, p + n);
	b->size = b->owned.size();
	return b;
}

inline std::shared_ptr<TensorBlock> BlockMove(std::vector<uint8_t> &&v)
{
	auto b = std::make_shared<TensorBlock>();
	b->owned = std::move(v);
	b->size = b->owned.size();
	return b;
}

/* GE's DT_STRING layout for `strs` (see the header comment). */
inline std::vector<uint8_t> StringBytes(const std::vector<std::string> &strs)
{
	size_t total = strs.size() * sizeof(StringHead);
	for (const auto &s : strs)
		total += s.size() + 1;
	std::vector<uint8_t> out(total, 0);
	size_t off = strs.size() * sizeof(StringHead);
	for (size_t i = 0; i < strs.size(); ++i) {
		StringHead h{ static_cast<int64_t>(off), static_cast<int64_t>(strs[i].size()) };
		std::memcpy(out.data() + i * sizeof(StringHead), &h, sizeof h);
		if (!strs[i].empty())
			std::memcpy(out.data() + off, strs[i].data(), strs[i].size());
		off += strs[i].size() + 1;
	}
	return out;
}
} // namespace detail

class Tensor
{
      public:
	using DeleteFunc = std::function<void(uint8_t *)>;

	Tensor() : impl(std::make_shared<detail::TensorImpl>()) {}
	~Tensor() = default;
	explicit Tensor(const TensorDesc &tensor_desc) : Tensor() { impl->desc = tensor_desc; }
	Tensor(const TensorDesc &tensor_desc, const std::vector<uint8_t> &data)
	    : Tensor(tensor_desc)
	{
		impl->block = detail::BlockCopy(data.data(), data.size());
	}
	/* Copies `size` bytes from `data`. */
	Tensor(const TensorDesc &tensor_desc, const uint8_t *data, size_t size)
	    : Tensor(tensor_desc)
	{
		impl->block = detail::BlockCopy(data, size);
	}
	Tensor(TensorDesc &&tensor_desc, std::vector<uint8_t> &&data) : Tensor()
	{
		impl->desc = std::move(tensor_desc);
		impl->block = detail::BlockMove(std::move(data));
	}

	TensorDesc GetTensorDesc() const { return impl->desc; }
	graphStatus SetTensorDesc(const TensorDesc &tensor_desc)
	{
		impl->desc = tensor_desc;
		return GRAPH_SUCCESS;
	}

	const uint8_t *GetData() const { return impl->block ? impl->block->data() : nullptr; }
	uint8_t *GetData() { return impl->block ? impl->block->data() : nullptr; }
	size_t GetSize() const { return impl->block ? impl->block->size : 0; }

	/* Hands the data to the caller and leaves the tensor empty. An adopted
	 * buffer that no other tensor shares is handed over with its deleter;
	 * otherwise the caller gets a copy freed with delete[]. */
	std::unique_ptr<uint8_t[], Tensor::DeleteFunc> ResetData()
	{
		std::shared_ptr<detail::TensorBlock> b = std::move(impl->block);
		impl->block.reset();
		if (!b || b->size == 0)
			return std::unique_ptr<uint8_t[], DeleteFunc>(nullptr, [](uint8_t *) {});
		if (b->adopted != nullptr && b.use_count() == 1) {
			uint8_t *p = b->adopted;
			DeleteFunc d = b->deleter ? b->deleter : DeleteFunc([](uint8_t *) {});
			b->adopted = nullptr;
			return std::unique_ptr<uint8_t[], DeleteFunc>(p, d);
		}
		uint8_t *copy = new uint8_t[b->size];
		std::memcpy(copy, b->data(), b->size);
		return std::unique_ptr<uint8_t[], DeleteFunc>(copy, [](uint8_t *p) { delete[] p; });
	}

	graphStatus SetData(std::vector<uint8_t> &&data)
	{
		impl->block = detail::BlockMove(std::move(data));
		return GRAPH_SUCCESS;
	}
	graphStatus SetData(const std::vector<uint8_t> &data)
	{
		impl->block = detail::BlockCopy(data.data(), data.size());
		return GRAPH_SUCCESS;
	}
	/* Copies `size` bytes from `data`. */
	graphStatus SetData(const uint8_t *data, size_t size)
	{
		if (data == nullptr && size != 0)
			return GRAPH_FAILED;
		impl->block = detail::BlockCopy(data, size);
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(graphStatus SetData(const char_t *data))
	graphStatus SetData(const std::string &data)
	{
		impl->block = detail::BlockMove(detail::StringBytes({ data }));
		return GRAPH_SUCCESS;
	}
	graphStatus SetData(const char_t *data)
	{
		if (data == nullptr)
			return GRAPH_FAILED;
		impl->block = detail::BlockMove(detail::StringBytes({ std::string(data) }));
		return GRAPH_SUCCESS;
	}
	ATTRIBUTED_DEPRECATED(graphStatus SetData(const std::vector<AscendString> &))
	graphStatus SetData(const std::vector<std::string> &data)
	{
		impl->block = detail::BlockMove(detail::StringBytes(data));
		return GRAPH_SUCCESS;
	}
	graphStatus SetData(const std::vector<AscendString> &datas)
	{
		std::vector<std::string> strs;
		strs.reserve(datas.size());
		for (const auto &s : datas)
			strs.emplace_back(s.GetString(), s.GetLength());
		impl->block = detail::BlockMove(detail::StringBytes(strs));
		return GRAPH_SUCCESS;
	}
	/* Adopts `data`: deleter_func(data) runs when the last tensor sharing
	 * it lets go. */
	graphStatus SetData(uint8_t *data, size_t size, const Tensor::DeleteFunc &deleter_func)
	{
		auto b = std::make_shared<detail::TensorBlock>();
		b->adopted = data;
		b->size = data != nullptr ? size : 0;
		b->deleter = deleter_func;
		impl->block = std::move(b);
		return GRAPH_SUCCESS;
	}
	/* GE's fast form of the adopting SetData (same effect here). */
	graphStatus ResetData(uint8_t *data, size_t size, const Tensor::DeleteFunc &deleter_func)
	{
		return SetData(data, size, deleter_func);
	}

	/* GRAPH_SUCCESS when the data size matches the descriptor (element
	 * count x dtype size; a scalar is one element; DT_STRING and other
	 * types without a fixed size always pass), else GRAPH_FAILED. */
	graphStatus IsValid()
	{
		const DataType dt = impl->desc.GetDataType();
		if (GetSizeByDataType(dt) < 0)
			return GRAPH_SUCCESS;
		const Shape s = impl->desc.GetShape();
		int64_t n = s.GetDims().empty() ? 1 : s.GetShapeSize();
		if (n < 0)
			return GRAPH_FAILED;
		const int64_t want = GetSizeInBytes(n, dt);
		return want == static_cast<int64_t>(GetSize()) ? GRAPH_SUCCESS : GRAPH_FAILED;
	}

	graphStatus SetOriginShapeDimNum(const size_t dim_num)
	{
		std::vector<int64_t> d = impl->desc.GetOriginShape().GetDims();
		d.resize(dim_num, 0);
		impl->desc.SetOriginShape(Shape(d));
		return GRAPH_SUCCESS;
	}
	size_t GetOriginShapeDimNum() const { return impl->desc.GetOriginShape().GetDimNum(); }
	graphStatus SetOriginShapeDim(const size_t idx, const int64_t dim_value)
	{
		Shape s = impl->desc.GetOriginShape();
		if (s.SetDim(idx, dim_value) != GRAPH_SUCCESS)
			return GRAPH_FAILED;
		impl->desc.SetOriginShape(s);
		return GRAPH_SUCCESS;
	}
	int64_t GetOriginShapeDim(const size_t idx) const
	{
		return impl->desc.GetOriginShape().GetDim(idx);
	}
	graphStatus SetOriginFormat(const ge::Format &format)
	{
		impl->desc.SetOriginFormat(format);
		return GRAPH_SUCCESS;
	}
	ge::Format GetOriginFormat() const { return impl->desc.GetOriginFormat(); }
	graphStatus SetShapeDimNum(const size_t dim_num)
	{
		std::vector<int64_t> d = impl->desc.GetShape().GetDims();
		d.resize(dim_num, 0);
		impl->desc.SetShape(Shape(d));
		return GRAPH_SUCCESS;
	}
	size_t GetShapeDimNum() const { return impl->desc.GetShape().GetDimNum(); }
	graphStatus SetShapeDim(const size_t idx, const int64_t dim_value)
	{
		Shape s = impl->desc.GetShape();
		if (s.SetDim(idx, dim_value) != GRAPH_SUCCESS)
			return GRAPH_FAILED;
		impl->desc.SetShape(s);
		return GRAPH_SUCCESS;
	}
	int64_t GetShapeDim(const size_t idx) const { return impl->desc.GetShape().GetDim(idx); }
	graphStatus SetFormat(const ge::Format &format)
	{
		impl->desc.SetFormat(format);
		return GRAPH_SUCCESS;
	}
	ge::Format GetFormat() const { return impl->desc.GetFormat(); }
	graphStatus SetDataType(const ge::DataType &dtype)
	{
		impl->desc.SetDataType(dtype);
		return GRAPH_SUCCESS;
	}
	ge::DataType GetDataType() const { return impl->desc.GetDataType(); }
	graphStatus SetPlacement(const ge::Placement &placement)
	{
		impl->desc.SetPlacement(placement);
		return GRAPH_SUCCESS;
	}
	ge::Placement GetPlacement() const { return impl->desc.GetPlacement(); }
	graphStatus SetExpandDimsRule(const AscendString &expand_dims_rule)
	{
		impl->desc.SetExpandDimsRule(expand_dims_rule);
		return GRAPH_SUCCESS;
	}
	graphStatus GetExpandDimsRule(AscendString &expand_dims_rule) const
	{
		return impl->desc.GetExpandDimsRule(expand_dims_rule);
	}

	/* An independent copy: its own descriptor and its own bytes. */
	Tensor Clone() const
	{
		Tensor t(impl->desc);
		if (impl->block)
			t.impl->block = detail::BlockCopy(impl->block->data(), impl->block->size);
		return t;
	}

      private:
	std::shared_ptr<detail::TensorImpl> impl;
};

} // namespace ge

#endif
