"""``std.heap.ArenaAllocator``: a bump allocator over *nodes* it takes from a child allocator.

Two designs, chosen by the release (``Release.arena``):

* ``list`` (Zig 0.11-0.15, ``heap/arena_allocator.zig``): a list of nodes, newest first, each
  with a 16-byte header (the next node and the node's length; length first in 0.15); one
  ``end_index`` for the newest node, kept in the arena itself. A block that does not fit
  first asks the child to grow the newest node in place (``resize``), then takes a new node
  of 1.5 x (the previous node's room + the request + its alignment + 32).
* ``nodes`` (0.16+, ``heap/ArenaAllocator.zig``, the thread-safe rewrite): a 24-byte header
  (length, end_index, next) with each node's own ``end_index``; a new node is 1.5 x (the
  room before + the request + its alignment + 40), made even. A request that does not fit
  still moves ``end_index`` past it before growing the node, so a block placed after a
  growth lands one request further on, and the node grows by two requests.

Both take back only the newest block of the newest node; ``reset(retain_capacity)`` keeps
the oldest node, sized to hold everything the arena had.
"""

from __future__ import annotations

import struct

from aoc23.zigstd.mem import RawAllocator, Refusal, Slice, align_forward
from aoc23.zigstd.release import Release

NODE_ALIGN = 3
"""log2 of a node's alignment: a header is made of usize fields."""


def node_length(enough: int) -> int:
    """A new node is half as big again as what it must hold."""
    return enough + enough // 2


class _Node:
    __slots__ = ("block", "end_index")

    def __init__(self, block: Slice, end_index: int = 0) -> None:
        self.block = block
        """The child's block: header and room."""
        self.end_index = end_index
        """(``nodes`` design) how much of the room is handed out."""

    @property
    def length(self) -> int:
        return self.block.length

    def resized(self, length: int) -> None:
        self.block = Slice(self.block.buffer, self.block.offset, length)


class ArenaAllocator:
    """A raw allocator over ``child``, following ``release``'s arena design."""

    def __init__(self, child: RawAllocator, release: Release) -> None:
        self.child = child
        self.design = release.arena
        self.header = release.arena_header
        self.header_size = 8 * len(self.header)
        self.nodes: list[_Node] = []
        """Newest first."""
        self._end_index = 0
        """(``list`` design) how much of the newest node's room is handed out."""
        self.refused: Refusal | None = None

    # what the arena counts as used, and what it holds

    @property
    def end_index(self) -> int:
        if self.design == "nodes":
            return self.nodes[0].end_index if self.nodes else 0
        return self._end_index

    @end_index.setter
    def end_index(self, value: int) -> None:
        if self.design == "nodes":
            node = self.nodes[0]
            node.end_index = value
            self._write_header(node)
        else:
            self._end_index = value

    def usage(self) -> tuple[int, int | None]:
        return self.end_index, None

    def capacity(self) -> int:
        """``queryCapacity()``: the room of every node, headers left out."""
        return sum(node.length - self.header_size for node in self.nodes)

    def newest(self) -> int | None:
        """The address of the newest node (None: no node yet)."""
        return self.nodes[0].block.ptr if self.nodes else None

    # the vtable

    def alloc(self, n: int, log2_align: int) -> Slice | None:
        if self.design == "nodes":
            return self._alloc_in_nodes(n, 1 << log2_align)
        return self._alloc_in_list(n, 1 << log2_align)

    def resize(self, buf: Slice, log2_align: int, new_len: int) -> bool:
        if not self.nodes:
            return False
        node = self.nodes[0]
        end = self.end_index
        if self._room_address(node) + end != buf.ptr + buf.length:
            return new_len <= buf.length
        if new_len <= buf.length:
            self.end_index = end - (buf.length - new_len)
            return True
        if max(self._room(node) - end, 0) >= new_len - buf.length:
            self.end_index = end + new_len - buf.length
            return True
        return False

    def remap(self, buf: Slice, log2_align: int, new_len: int) -> Slice | None:
        if self.resize(buf, log2_align, new_len):
            return Slice(buf.buffer, buf.offset, new_len)
        return None

    def free(self, buf: Slice, log2_align: int) -> None:
        if not self.nodes:
            return
        node = self.nodes[0]
        if self._room_address(node) + self.end_index == buf.ptr + buf.length:
            self.end_index -= buf.length

    def reset_retaining_capacity(self) -> bool:
        """``reset(.retain_capacity)``: every node but the oldest goes back to the child, and
        the oldest is made to hold the arena's whole capacity (grown in place if the child
        can, otherwise replaced). False: the replacement could not be had."""
        capacity = self.capacity()
        if capacity == 0:
            self.deinit()
            return True
        total = capacity + self.header_size
        for node in self.nodes[:-1]:
            self.child.free(node.block, NODE_ALIGN)
        oldest = self.nodes[-1]
        self.nodes = [oldest]
        self._end_index = 0
        oldest.end_index = 0
        if self.design == "nodes":
            self._write_header(oldest)
        if oldest.length == total:
            return True
        if self.child.resize(oldest.block, NODE_ALIGN, total):
            oldest.resized(total)
            self._write_header(oldest)
            return True
        block = self._child_alloc(total)
        if block is None:
            return False
        self.child.free(oldest.block, NODE_ALIGN)
        self.nodes = [_Node(block)]
        self._write_header(self.nodes[0])
        return True

    def deinit(self) -> None:
        for node in self.nodes:
            self.child.free(node.block, NODE_ALIGN)
        self.nodes = []
        self._end_index = 0

    def refusal(self, n: int, log2_align: int) -> Refusal:
        """What the child refused when a request of ours failed (the innermost request,
        as the real program's probe reports it)."""
        if self.refused is not None:
            return self.refused._replace(for_block=n)
        return Refusal(n, 1 << log2_align, self.end_index, None)

    # the 0.11-0.15 design

    def _alloc_in_list(self, n: int, alignment: int) -> Slice | None:
        if not self.nodes and not self._new_node(0, n + alignment):
            return None
        while True:
            node = self.nodes[0]
            start = self._aligned_index(node, self._end_index, alignment)
            if start + n <= self._room(node):
                self._end_index = start + n
                return self._block_in(node, start, n)
            if self._grow(node, self.header_size + start + n):
                self._write_header(node)
            elif not self._new_node(self._room(node), n + alignment):
                return None

    # the 0.16+ design

    def _alloc_in_nodes(self, n: int, alignment: int) -> Slice | None:
        previous_room = 0
        if self.nodes:
            node = self.nodes[0]
            start = self._aligned_index(node, node.end_index, alignment)
            self.end_index = start + n
            if start + n <= self._room(node):
                return self._block_in(node, start, n)
            previous_room = self._room(node)
            start = self._aligned_index(node, node.end_index, alignment)
            if self._grow(node, align_forward(self.header_size + start + n, 2)):
                self.end_index = start + n
                return self._block_in(node, start, n)
        if not self._new_node(previous_room, n + alignment):
            return None
        node = self.nodes[0]
        start = self._aligned_index(node, 0, alignment)
        self.end_index = start + n
        return self._block_in(node, start, n)

    # nodes

    def _new_node(self, previous_room: int, minimum: int) -> bool:
        """Take a node from the child: 1.5 times (the room before it, ``minimum``, its
        header and 16 bytes more); False if the child refused."""
        enough = previous_room + minimum + self.header_size + 16
        length = node_length(enough)
        if self.design == "nodes":
            length = align_forward(length, 2)
        block = self._child_alloc(length)
        if block is None:
            return False
        self.nodes.insert(0, _Node(block))
        self._end_index = 0
        self._write_header(self.nodes[0])
        return True

    def _grow(self, node: _Node, length: int) -> bool:
        """Ask the child to make ``node`` ``length`` bytes where it is."""
        if not self.child.resize(node.block, NODE_ALIGN, length):
            return False
        node.resized(length)
        return True

    def _child_alloc(self, length: int) -> Slice | None:
        block = self.child.alloc(length, NODE_ALIGN)
        if block is None:
            self.refused = self.child.refusal(length, NODE_ALIGN)
        return block

    def _room(self, node: _Node) -> int:
        return node.length - self.header_size

    def _room_address(self, node: _Node) -> int:
        return node.block.ptr + self.header_size

    def _aligned_index(self, node: _Node, end: int, alignment: int) -> int:
        address = self._room_address(node) + end
        return end + align_forward(address, alignment) - address

    def _block_in(self, node: _Node, start: int, n: int) -> Slice:
        block = node.block
        return Slice(block.buffer, block.offset + self.header_size + start, n)

    def _write_header(self, node: _Node) -> None:
        """The node's header as the real arena keeps it at the start of the node."""
        buffer = node.block.buffer
        if buffer is None:
            return
        nodes = self.nodes
        position = nodes.index(node)  # a node equals itself only
        following = nodes[position + 1].block.ptr if position + 1 < len(nodes) else 0
        values = {
            "next": following,
            "data": node.length,
            "size": node.length,
            "end_index": node.end_index,
        }
        fields = [values[name] for name in self.header]
        buffer.write(node.block.offset, struct.pack(f"<{len(fields)}Q", *fields))
