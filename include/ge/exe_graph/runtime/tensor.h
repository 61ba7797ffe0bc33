/*
 * ge/exe_graph/runtime/tensor.h - the gert::Tensor subset the GE v2 session
 * API uses (metadef: exe_graph/runtime/{tensor,tensor_data,shape,
 * storage_shape,storage_format}.h). Same names and semantics for what is
 * here: Shape (up to kMaxDimNum dims), StorageShape, StorageFormat,
 * TensorPlacement, TensorData (move-only; an optional manager frees the
 * memory), Tensor. Header-only.
 */
#ifndef WEIR_GE_EXE_GRAPH_RUNTIME_TENSOR_H
#define WEIR_GE_EXE_GRAPH_RUNTIME_TENSOR_H

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include "graph/types.h"

namespace gert
{

constexpr size_t kMaxDimNum = 25;
constexpr int64_t kInvalidDimValue = INT64_MIN;

class Shape
{
      public:
	Shape() = default;
	Shape(std::initializer_list<int64_t> args)
	{
		for (int64_t d : args) {
			if (dim_num_ == kMaxDimNum)
				break;
			dims_[dim_num_++] = d;
		}
	}
	size_t GetDimNum() const { return dim_num_; }
	void SetDimNum(size_t n) { dim_num_ = n > kMaxDimNum ? kMaxDimNum : n; }
	int64_t GetDim(size_t i) const { return i < dim_num_ ? dims_[i] : kInvalidDimValue; }
	void SetDim(size_t i, int64_t v)
	{
		if (i < dim_num_)
			dims_[i] = v;
	}
	Shape &AppendDim(int64_t v)
	{
		if (dim_num_ < kMaxDimNum)
			dims_[dim_num_++] = v;
		return *this;
	}
	bool IsScalar() const { return dim_num_ == 0; }
	void SetScalar() { dim_num_ = 0; }
	int64_t GetShapeSize() const
	{
		int64_t n = 1;
		for (size_t i = 0; i < dim_num_; i++)
			n *= dims_[i];
		return n;
	}
	bool operator==(const Shape &o) const
	{
		if (dim_num_ != o.dim_num_)
			return false;
		for (size_t i = 0; i < dim_num_; i++)
			if (dims_[i] != o.dims_[i])
				return false;
		return true;
	}
	bool operator!=(const Shape &o) const { return !(*this == o); }

      private:
	size_t dim_num_ = 0;
	int64_t dims_[kMaxDimNum] = {};
};

class StorageShape
{
      public:
	StorageShape() = default;
	StorageShape(std::initializer_list<int64_t> origin, std::initializer_list<int64_t> storage)
	    : origin_shape_(origin), storage_shape_(storage)
	{
	}
	const Shape &GetOriginShape() const { return origin_shape_; }
	const Shape &GetStorageShape() const { return storage_shape_; }
	Shape &MutableOriginShape() { return origin_shape_; }
	Shape &MutableStorageShape() { return storage_shape_; }

      private:
	Shape origin_shape_;
	Shape storage_shape_;
};

using ExpandDimsType = int64_t;

class StorageFormat
{
      public:
	StorageFormat() = default;
	StorageFormat(ge::Format origin, ge::Format storage, ExpandDimsType expand = 0)
	    : origin_(origin), storage_(storage), expand_(expand)
	{
	}
	ge::Format GetOriginFormat() const { return origin_; }
	ge::Format GetStorageFormat() const { return storage_; }
	void SetOriginFormat(ge::Format f) { origin_ = f; }
	void SetStorageFormat(ge::Format f) { storage_ = f; }
	ExpandDimsType GetExpandDimsType() const { return expand_; }

      private:
	ge::Format origin_ = ge::FORMAT_ND;
	ge::Format storage_ = ge::FORMAT_ND;
	ExpandDimsType expand_ = 0;
};

enum TensorPlacement : int32_t {
	kOnDeviceHbm = 0,
	kOnHost = 1,
	kFollowing = 2,
	kOnDeviceP2p = 3,
	kTensorPlacementEnd
};

enum TensorOperateType {
	kGetTensorAddress = 0,
	kFreeTensor = 1,
	kPlusShareCount = 2,
	kTensorOperateType
};

using TensorAddress = void *;
using TensorAddrManager = ge::graphStatus (*)(TensorAddress addr, TensorOperateType operate_type,
                                              void **out);

/* Move-only: a manager, when present, owns the memory (kFreeTensor on
 * destruction or SetAddr). Without one the tensor is a non-owning view. */
class TensorData
{
      public:
	explicit TensorData(TensorAddress addr = nullptr, TensorAddrManager manager = nullptr,
	                    size_t size = 0, TensorPlacement placement = kTensorPlacementEnd)
	    : addr_(addr), manager_(manager), size_(size), placement_(placement)
	{
	}
	TensorData(const TensorData &) = delete;
	TensorData &operator=(const TensorData &) = delete;
	TensorData(TensorData &&o) noexcept
	    : addr_(o.addr_), manager_(o.manager_), size_(o.size_), placement_(o.placement_)
	{
		o.addr_ = nullptr;
		o.manager_ = nullptr;
		o.size_ = 0;
	}
	TensorData &operator=(TensorData &&o) noexcept
	{
		if (this != &o) {
			Free();
			addr_ = o.addr_;
			manager_ = o.manager_;
			size_ = o.size_;
			placement_ = o.placement_;
			o.addr_ = nullptr;
			o.manager_ = nullptr;
			o.size_ = 0;
		}
		return *this;
	}
	~TensorData() { Free(); }

	TensorAddress GetAddr() const
	{
		if (manager_ == nullptr || addr_ == nullptr)
			return addr_;
		void *out = nullptr;
		return manager_(addr_, kGetTensorAddress, &out) == ge::GRAPH_SUCCESS ? out
		                                                                     : nullptr;
	}
	size_t GetSize() const { return size_; }
	void SetSize(size_t size) { size_ = size; }
	TensorPlacement GetPlacement() const { return placement_; }
	void SetPlacement(TensorPlacement p) { placement_ = p; }
	bool IsSharedWith(const TensorData &o) const
	{
		return addr_ == o.addr_ && manager_ == o.manager_;
	}
	ge::graphStatus SetAddr(TensorAddress addr, TensorAddrManager manager)
	{
		ge::graphStatus st = Free();
		addr_ = addr;
		manager_ = manager;
		return st;
	}
	ge::graphStatus Free()
	{
		ge::graphStatus st = ge::GRAPH_SUCCESS;
		if (manager_ != nullptr && addr_ != nullptr)
			st = manager_(addr_, kFreeTensor, nullptr);
		addr_ = nullptr;
		manager_ = nullptr;
		return st;
	}
	TensorAddrManager GetManager() const { return manager_; }

      private:
	TensorAddress addr_;
	TensorAddrManager manager_;
	size_t size_;
	TensorPlacement placement_;
};

enum TensorVersion { kTensorV1 = 0, kTensorV2 = 1 };

inline size_t GeDataTypeSize(ge::DataType dt)
{
	switch (dt) {
	case ge::DT_FLOAT:
	case ge::DT_INT32:
	case ge::DT_UINT32: return 4;
	case ge::DT_FLOAT16:
	case ge::DT_BF16:
	case ge::DT_INT16:
	case ge::DT_UINT16: return 2;
	case ge::DT_INT8:
	case ge::DT_UINT8:
	case ge::DT_BOOL: return 1;
	case ge::DT_INT64:
	case ge::DT_UINT64:
	case ge::DT_DOUBLE: return 8;
	default: return 0;
	}
}

class Tensor
{
      public:
	Tensor() = default;
	Tensor(const StorageShape &storage_shape, const StorageFormat &storage_format,
	       TensorPlacement placement, ge::DataType data_type, TensorAddress addr,
	       TensorAddrManager manager = nullptr)
	    : storage_shape_(storage_shape), storage_format_(storage_format), data_type_(data_type),
	      tensor_data_(addr, manager,
	                   static_cast<size_t>(storage_shape.GetStorageShape().GetShapeSize()) *
	                           GeDataTypeSize(data_type),
	                   placement)
	{
	}
	Tensor(const StorageShape &storage_shape, const StorageFormat &storage_format,
	       ge::DataType data_type)
	    : storage_shape_(storage_shape), storage_format_(storage_format), data_type_(data_type)
	{
	}
	Tensor(Tensor &&) = default;
	Tensor &operator=(Tensor &&) = default;

	const void *GetAddr() const { return tensor_data_.GetAddr(); }
	void *GetAddr() { return tensor_data_.GetAddr(); }
	size_t GetSize() const { return tensor_data_.GetSize(); }
	void SetSize(size_t size) { tensor_data_.SetSize(size); }
	ge::DataType GetDataType() const { return data_type_; }
	void SetDataType(ge::DataType dt) { data_type_ = dt; }
	const StorageShape &GetShape() const { return storage_shape_; }
	StorageShape &GetShape() { return storage_shape_; }
	const Shape &GetStorageShape() const { return storage_shape_.GetStorageShape(); }
	const Shape &GetOriginShape() const { return storage_shape_.GetOriginShape(); }
	Shape &MutableStorageShape() { return storage_shape_.MutableStorageShape(); }
	Shape &MutableOriginShape() { return storage_shape_.MutableOriginShape(); }
	int64_t GetShapeSize() const { return storage_shape_.GetStorageShape().GetShapeSize(); }
	const StorageFormat &GetFormat() const { return storage_format_; }
	ge::Format GetStorageFormat() const { return storage_format_.GetStorageFormat(); }
	ge::Format GetOriginFormat() const { return storage_format_.GetOriginFormat(); }
	void SetStorageFormat(ge::Format f) { storage_format_.SetStorageFormat(f); }
	void SetOriginFormat(ge::Format f) { storage_format_.SetOriginFormat(f); }
	TensorPlacement GetPlacement() const { return tensor_data_.GetPlacement(); }
	void SetPlacement(TensorPlacement p) { tensor_data_.SetPlacement(p); }
	const TensorData &GetTensorData() const { return tensor_data_; }
	TensorData &MutableTensorData() { return tensor_data_; }
	void SetData(TensorData &&data) { tensor_data_ = std::move(data); }
	TensorVersion GetVersion() const { return version_; }

      private:
	StorageShape storage_shape_;
	StorageFormat storage_format_;
	TensorVersion version_ = kTensorV1;
	ge::DataType data_type_ = ge::DT_FLOAT;
	TensorData tensor_data_;
};

} // namespace gert

#endif
