//! Prints, as `key: value` lines on stderr, the std behaviours the day 23 program relies on but
//! cannot show through its own output: the fixed buffer allocator on its own (resizes of a
//! block that is not the last one, remap, free, reset), the 0xAA fill, the hash map's
//! layout and growth, the array list's growth and the page allocator.
//!
//! One file for every release from 0.11.0 to 0.17.1: where the API differs, it asks the std
//! what it has (`@hasDecl`) at compile time. Build it ReleaseSafe, as the reference is built.
//! `bench/zig_releases.py` compares the lines of every release with 0.11.0's.

const std = @import("std");

const Point2D = struct { x: i32, y: i32 };
const Set = std.AutoHashMap(Point2D, void);

const has_remap = @hasDecl(std.mem.Allocator, "remap");
const List = if (@hasDecl(std, "ArrayListUnmanaged")) std.ArrayListUnmanaged(u8) else std.ArrayList(u8);

fn show(comptime key: []const u8, comptime fmt: []const u8, args: anytype) void {
    std.debug.print(key ++ ": " ++ fmt ++ "\n", args);
}

fn pageSize() usize {
    if (@hasDecl(std.mem, "page_size")) return std.mem.page_size;
    return std.heap.pageSize();
}

fn emptyList() List {
    if (@hasDecl(List, "empty")) return List.empty;
    return .{};
}

var backing: [1 << 20]u8 align(4096) = undefined;

/// A fixed buffer allocator `misalign` bytes past a 16-aligned address.
fn fixed(misalign: usize, len: usize) std.heap.FixedBufferAllocator {
    @memset(backing[0 .. misalign + len], 0);
    return std.heap.FixedBufferAllocator.init(backing[misalign .. misalign + len]);
}

fn fbaOperations() !void {
    var fba = fixed(3, 1000);
    const a = fba.allocator();
    const two = try a.alloc(u8, 2);
    show("fba alloc u8x2", "start={d} end={d}", .{ @intFromPtr(two.ptr) - @intFromPtr(fba.buffer.ptr), fba.end_index });
    const word = try a.alloc(u64, 1);
    show("fba alloc u64 at base 3 mod 16", "start={d} end={d}", .{ @intFromPtr(word.ptr) - @intFromPtr(fba.buffer.ptr), fba.end_index });
    a.free(word);
    show("fba free last u64", "end={d}", .{fba.end_index});
    a.free(two);
    show("fba free u8x2 behind padding", "end={d}", .{fba.end_index});

    fba.reset();
    show("fba reset", "end={d}", .{fba.end_index});
    const c1 = try a.alloc(u8, 10);
    var c2 = try a.alloc(u8, 10);
    show("fba two allocs of 10", "end={d}", .{fba.end_index});
    show("fba resize not-last shrink 10->5", "ok={} end={d}", .{ a.resize(c1, 5), fba.end_index });
    show("fba resize not-last grow 10->20", "ok={} end={d}", .{ a.resize(c1, 20), fba.end_index });
    show("fba resize last grow 10->30", "ok={} end={d}", .{ a.resize(c2, 30), fba.end_index });
    c2.len = 30;
    show("fba resize last shrink 30->4", "ok={} end={d}", .{ a.resize(c2, 4), fba.end_index });
    c2.len = 4;
    show("fba resize last grow past buffer 4->1000", "ok={} end={d}", .{ a.resize(c2, 1000), fba.end_index });
    show("fba resize last same 4->4", "ok={} end={d}", .{ a.resize(c2, 4), fba.end_index });
    a.free(c1);
    show("fba free not-last", "end={d}", .{fba.end_index});
    const zero = try a.alloc(u8, 0);
    show("fba alloc 0", "end={d} ptr={x}", .{ fba.end_index, @intFromPtr(zero.ptr) });
    const big = a.alloc(u8, 5000);
    show("fba alloc too big", "failed={} end={d}", .{ if (big) |_| false else |_| true, fba.end_index });

    fba.reset();
    const quad = try a.alloc(u32, 4);
    _ = try a.alloc(u8, 1);
    show("fba alloc u32x4 then u8", "end={d}", .{fba.end_index});
    const moved = try a.realloc(quad, 8);
    show("fba realloc not-last 4->8", "start={d} end={d}", .{ @intFromPtr(moved.ptr) - @intFromPtr(fba.buffer.ptr), fba.end_index });
    const again = try a.realloc(moved, 16);
    show("fba realloc last 8->16", "start={d} end={d}", .{ @intFromPtr(again.ptr) - @intFromPtr(fba.buffer.ptr), fba.end_index });
}

/// The vtable's `remap` (0.14 and later), on a buffer of its own so that the lines above
/// stay comparable with releases that lack it.
fn fbaRemap() !void {
    if (!has_remap) {
        show("fba remap", "absent", .{});
        return;
    }
    var fba = fixed(3, 1000);
    const a = fba.allocator();
    const c1 = try a.alloc(u8, 10);
    var c2 = try a.alloc(u8, 10);
    const grown = a.remap(c2, 50);
    show("fba remap last grow 10->50", "ok={} moved={} end={d}", .{ grown != null, grown != null and grown.?.ptr != c2.ptr, fba.end_index });
    if (grown) |g| c2 = g;
    show("fba remap not-last grow 10->20", "ok={} end={d}", .{ a.remap(c1, 20) != null, fba.end_index });
    show("fba remap not-last shrink 10->5", "ok={} end={d}", .{ a.remap(c1, 5) != null, fba.end_index });
    const shrunk = a.remap(c2, 4);
    show("fba remap last shrink 50->4", "ok={} moved={} end={d}", .{ shrunk != null, shrunk != null and shrunk.?.ptr != c2.ptr, fba.end_index });
    if (shrunk) |g| c2 = g;
    show("fba remap last past buffer 4->5000", "ok={} end={d}", .{ a.remap(c2, 5000) != null, fba.end_index });
}

fn undefinedFill() !void {
    var fba = fixed(0, 256);
    const a = fba.allocator();
    const first = try a.alloc(u8, 16);
    show("fill after alloc", "{x} {x}", .{ first[0], first[15] });
    @memset(first, 0x11);
    const gained = a.resize(first, 32);
    show("fill of bytes gained by resize", "ok={} byte={x} end={d}", .{ gained, fba.buffer[16], fba.end_index });
    const grown: []u8 = first.ptr[0..32];
    @memset(grown, 0x22);
    const shrunk = a.resize(grown, 8);
    show("fill of bytes given back by shrink", "ok={} byte={x} end={d}", .{ shrunk, fba.buffer[20], fba.end_index });
    const kept: []u8 = first.ptr[0..8];
    const second = try a.alloc(u8, 8);
    @memset(second, 0x33);
    a.free(kept);
    show("fill after free of a not-last block", "{x}", .{fba.buffer[0]});
    a.free(second);
    show("fill after free of the last block", "{x}", .{fba.buffer[8]});
    const p = try a.create(u64);
    show("fill after create", "{x}", .{@as(*const [8]u8, @ptrCast(p))[0]});
    p.* = 0;
    a.destroy(p);
    show("fill after destroy", "{x}", .{@as(*const [8]u8, @ptrCast(p))[0]});
}

/// A fresh `undefined` array on the stack, as the blog's buffer is: safe builds fill it.
noinline fn stackFill() void {
    var block: [512]u8 = undefined;
    std.mem.doNotOptimizeAway(&block);
    show("fill of an undefined stack array", "{x} {x} {x}", .{ block[0], block[255], block[511] });
}

fn hashMap() !void {
    show("hashmap unmanaged struct size", "{d}", .{@sizeOf(std.AutoHashMapUnmanaged(Point2D, void))});
    show("hashmap managed struct size", "{d}", .{@sizeOf(Set)});
    const sizes = [_]u32{ 1, 2, 3, 6, 7, 8, 12, 13, 22, 25, 26, 51, 52, 100, 102, 103, 204, 205, 409, 410, 819, 820, 1638, 1639, 2532, 3276, 3277, 6553, 6554 };
    for (sizes) |n| {
        var fba = fixed(0, 1 << 19);
        var set = Set.init(fba.allocator());
        try set.ensureTotalCapacity(n);
        const meta = @intFromPtr(set.unmanaged.metadata.?) - @intFromPtr(fba.buffer.ptr);
        const keys = set.keyIterator();
        const key_offset = @intFromPtr(keys.items) - @intFromPtr(fba.buffer.ptr);
        show("hashmap reserve", "n={d} capacity={d} block={d} metadata_at={d} keys_at={d}", .{ n, set.capacity(), fba.end_index, meta, key_offset });
    }
    // Growth by put: the count at which each new table is allocated.
    var fba = fixed(0, 1 << 19);
    var set = Set.init(fba.allocator());
    var capacity: usize = 0;
    var i: i32 = 0;
    while (i < 3000) : (i += 1) {
        try set.put(.{ .x = i, .y = -i }, {});
        if (set.capacity() != capacity) {
            show("hashmap grow by put", "count={d} capacity {d}->{d} end={d}", .{ set.count(), capacity, set.capacity(), fba.end_index });
            capacity = set.capacity();
        }
    }
    // Removing leaves tombstones; filling again shows whether `available` comes back.
    var j: i32 = 0;
    while (j < 1000) : (j += 1) _ = set.remove(.{ .x = j, .y = -j });
    j = 0;
    while (j < 1000) : (j += 1) try set.put(.{ .x = j + 10000, .y = j }, {});
    show("hashmap after remove 1000 and put 1000", "count={d} capacity={d} end={d}", .{ set.count(), set.capacity(), fba.end_index });

    const points = [_]Point2D{ .{ .x = 0, .y = 0 }, .{ .x = 1, .y = 0 }, .{ .x = 0, .y = 1 }, .{ .x = -1, .y = -1 }, .{ .x = 69, .y = 69 }, .{ .x = 123456, .y = -7 } };
    const context = std.hash_map.AutoContext(Point2D){};
    for (points) |p| {
        const raw = std.hash.Wyhash.hash(0, std.mem.asBytes(&p));
        show("hash", "x={d} y={d} auto={x:0>16} wyhash0_of_8_bytes={x:0>16}", .{ p.x, p.y, context.hash(p), raw });
    }
    show("point2d layout", "size={d} x_at={d} y_at={d}", .{ @sizeOf(Point2D), @offsetOf(Point2D, "x"), @offsetOf(Point2D, "y") });

    // Iteration order of a small fill (the example's elves, reserved then put).
    var small_fba = fixed(0, 4096);
    var small = Set.init(small_fba.allocator());
    try small.ensureTotalCapacity(22);
    var y: i32 = 0;
    while (y < 5) : (y += 1) {
        var x: i32 = 0;
        while (x < 5) : (x += 1) if (@mod(x * 7 + y * 3, 4) != 0) small.putAssumeCapacity(.{ .x = x, .y = y }, {});
    }
    var it = small.keyIterator();
    var order: [64]u8 = undefined;
    var len: usize = 0;
    while (it.next()) |k| {
        order[len] = @intCast(k.x * 5 + k.y);
        len += 1;
    }
    show("hashmap iteration order", "{any}", .{order[0..len]});
}

fn arrayList() !void {
    var fba = fixed(0, 1 << 19);
    const a = fba.allocator();
    var list = emptyList();
    var capacity: usize = 0;
    var n: usize = 0;
    while (n < 20000) : (n += 1) {
        try list.append(a, 'x');
        if (list.capacity != capacity) {
            show("arraylist grow by append", "len={d} capacity {d}->{d} end={d}", .{ list.items.len, capacity, list.capacity, fba.end_index });
            capacity = list.capacity;
        }
    }
    const wanted = [_]usize{ 1, 56, 92, 4096, 4970, 7463 };
    for (wanted) |w| {
        var f = fixed(0, 1 << 19);
        var l = emptyList();
        try l.ensureTotalCapacity(f.allocator(), w);
        show("arraylist reserve from empty", "n={d} capacity={d}", .{ w, l.capacity });
        var full = emptyList();
        try full.ensureTotalCapacityPrecise(f.allocator(), w);
        try full.appendNTimes(f.allocator(), 'x', w);
        try full.ensureTotalCapacity(f.allocator(), w + 1);
        show("arraylist reserve one more from full capacity", "n={d} capacity={d}", .{ w, full.capacity });
    }
}

/// Whether every page of `len` bytes at `ptr` is mapped: mincore refuses (ENOMEM) a range
/// with a hole in it.
fn mapped(ptr: [*]u8, len: usize) bool {
    var vec: [64]u8 = undefined;
    const rc: isize = @bitCast(std.os.linux.mincore(ptr, len, &vec));
    return rc == 0;
}

fn pageAllocator() !void {
    const a = std.heap.page_allocator;
    show("page size", "{d}", .{pageSize()});
    const first = try a.alloc(u8, 36888);
    const second = try a.alloc(u8, 36888);
    show("page alloc 36888", "addr_mod_page={d} second_minus_first={d}", .{ @intFromPtr(first.ptr) % pageSize(), @as(i64, @intCast(@intFromPtr(second.ptr))) - @as(i64, @intCast(@intFromPtr(first.ptr))) });
    show("page fill after alloc", "{x}", .{first[40]});
    show("page resize 36888->40960 (same pages)", "ok={}", .{a.resize(first, 40960)});
    show("page resize 36888->40961 (one more page)", "ok={}", .{a.resize(first, 40961)});
    show("page resize 36888->100 (fewer pages)", "ok={}", .{a.resize(first, 100)});
    show("page after shrink to 100", "first_page_mapped={} rest_mapped={}", .{ mapped(first.ptr, 4096), mapped(first.ptr + 4096, 36888 - 4096) });
    const small: []u8 = first.ptr[0..100];
    if (has_remap) {
        const remapped = a.remap(small, 1 << 20);
        show("page remap 100->1MiB", "ok={} moved={}", .{ remapped != null, remapped != null and remapped.?.ptr != small.ptr });
        if (remapped) |r| a.free(r) else a.free(small);
    } else {
        show("page remap", "absent", .{});
        a.free(small);
    }
    a.free(second);
    show("page after free of 36888", "mapped={}", .{mapped(second.ptr, 36888)});
}

pub fn main() !void {
    try fbaOperations();
    try fbaRemap();
    try undefinedFill();
    stackFill();
    try hashMap();
    try arrayList();
    try pageAllocator();
}
