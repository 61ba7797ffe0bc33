/*
 * ge/ge_allocator.h - GE's external allocator interface (header-only):
 * an application's Allocator hands out MemBlocks; a ge::Session with an
 * allocator registered for a stream allocates the outputs of graph runs on
 * that stream through it (ge/ge_api.h), and frees them with
 * MemBlock::Free() when the output tensor lets go.
 */
#ifndef WEIR_GE_GE_ALLOCATOR_H
#define WEIR_GE_GE_ALLOCATOR_H

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace ge
{

class MemBlock;

class Allocator
{
      public:
	Allocator() = default;
	virtual ~Allocator() = default;
	Allocator(const Allocator &) = delete;
	Allocator &operator=(const Allocator &) = delete;

	virtual MemBlock *Malloc(size_t size) = 0;
	virtual void Free(MemBlock *block) = 0;
	/* A block near `addr` if the allocator can; by default any block. */
	virtual MemBlock *MallocAdvise(size_t size, void *addr)
	{
		(void)addr;
		return Malloc(size);
	}
};

/* A block of device memory with a use count: Free() drops one use and gives
 * the block back to its allocator when none is left. */
class MemBlock
{
      public:
	MemBlock(Allocator &allocator, void *addr, size_t block_size)
	    : allocator_(allocator), addr_(addr), count_(1U), block_size_(block_size)
	{
	}
	virtual ~MemBlock() = default;
	const void *GetAddr() const { return addr_; }
	void *GetAddr() { return addr_; }
	size_t GetSize() const { return block_size_; }
	void SetSize(const size_t mem_size) { block_size_ = mem_size; }
	void Free()
	{
		if (count_ > 0U && --count_ == 0U)
			allocator_.Free(this);
	}
	size_t AddCount() { return ++count_; }
	size_t SubCount() { return count_ > 0U ? --count_ : 0U; }
	size_t GetCount() const { return count_; }

      private:
	Allocator &allocator_;
	void *addr_;
	size_t count_;
	size_t block_size_;
};

using AllocatorPtr = std::shared_ptr<Allocator>;

} // namespace ge

#endif
