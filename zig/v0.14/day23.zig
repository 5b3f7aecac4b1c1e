//! The blog's Advent of Code 2022 day 23 program, for Zig 0.14.1. It is `zig/v0.12/day23.zig`
//! changed only where 0.14 forces it; see "Ported" below. Same command line, same stdout lines,
//! same `oom:` line, same exit statuses and the same dump file; under `--trace` the new `remap`
//! vtable call prints as `trace remap ...`, as in `zig/latest/day23.zig`.
//!
//! Ported (0.12.1 -> 0.14.1):
//!   * the Allocator vtable has a fourth entry, `remap`, and alignments are `std.mem.Alignment`;
//!     the Probe forwards `remap` like the others.
//!   * `std.mem.page_size` is gone: whole pages use `std.heap.pageSize()`, the buffers' mappings
//!     `std.heap.page_size_min`.
//!   * (no change needed) std.heap.ArenaAllocator answers `remap` as a resize in place, so an
//!     arena's own lines can be `trace remap ...` (readFileAlloc's growing and trimming).
//!
//! usage: day23 INPUT STRATEGY BUFFER_SIZE ROUNDS TEMP_SIZE BASE_OFFSET [DUMP_FILE] [OPTION...]
//!   STRATEGY     naive | tempalloc | double | page | arena | arena-pages | arenas
//!   ROUNDS       a number of rounds, or "part2" to run until no elf moves
//!   BASE_OFFSET  start each fixed buffer this many bytes past a page boundary (0 to 4095),
//!                to see how alignment padding follows the buffer's address
//!   DUMP_FILE  where to write every fixed buffer's bytes at each round line and at the end
//!              (the record format is described at `Dump`; - for none)
//!   OPTION     --trace        print a `trace ...` line on stdout for every allocator call
//!              --read=exact   read the input with one allocation of the file's stat size
//!              --parse=grow   fill grid.cells with put (growing) instead of reserving first
//!              --free-input   free the input after parsing
//!
//! Buffers: each fixed buffer is its own page-aligned mapping, moved BASE_OFFSET bytes in
//! (with 0 its address is 0 modulo 4096, as aoc23's default addresses are), filled with 0xAA first, the bytes a fresh
//! `undefined` stack array holds in a safe build; aoc23 assumes the same. The temporary
//! buffer of `tempalloc` is refilled with 0xAA at every step, as a new stack frame would be.
//!
//! Strategies: `naive` allocates everything from the main fixed buffer and frees each old set
//! after the step; `tempalloc` builds each next set in a temporary buffer and copies it back;
//! `double` alternates between the main buffer and a second one, resetting the one it moves
//! to; `page` is `naive` over std.heap.page_allocator. The arena strategies put an
//! std.heap.ArenaAllocator in front (the input, the parse and every next set come from it,
//! and the step is `naive`'s, its frees going to the arena):
//!   arena        one arena over the main fixed buffer (memuse: the buffer's end_index)
//!   arena-pages  one arena over the page allocator (memuse: the bytes of whole pages mapped)
//!   arenas       two arenas, arena-a and arena-b, over the one page allocator: the input
//!                and the parse go to arena-a; each step resets the other arena
//!                (retain_capacity) and builds the next set in it, alternating (memuse: as
//!                arena-pages)
//!
//! Tracing an arena: the program allocates through a second Probe in front of each arena,
//! named after it. Its lines have the usual formats, with used = the newest node's
//! end_index, offset = the distance from the main fixed buffer's start (`?` over pages),
//! and an alloc's padding = (used after - size) - (used before, if the newest node is still
//! the same one); it is printed after the lines of the calls the arena made to its child.
//! Each arena prints `opened NAME arena size=-` after its child's `opened` line, and a reset
//! prints `reset NAME used=U capacity=A->B` (queryCapacity before and after) once done.
//! In `arena` the dumped buffer starts with the arena's first node: a 16-byte header (the
//! next node's address, 0 for none, then the node's length in bytes), then what it holds.
//!
//! On OutOfMemory it prints `error: OutOfMemory` and one `oom:` line (round, site, size,
//! alignment, end_index, buffer length) on stderr, and exits with status 1.

const std = @import("std");

const Point2D = struct { x: i32, y: i32 };
const CellSet = std.AutoHashMap(Point2D, void);
const Alignment = std.mem.Alignment;

fn wholePages(len: usize) usize {
    return std.mem.alignForward(usize, len, std.heap.pageSize());
}

/// Sits in front of an allocator without changing what it does; remembers the request it
/// refused and, for the page allocator, how many bytes of whole pages are mapped.
const Probe = struct {
    name: []const u8 = "main",
    child: std.mem.Allocator,
    fba: ?*std.heap.FixedBufferAllocator = null,
    count_pages: bool = false,
    mapped: usize = 0,
    /// The highest end_index the fixed buffer ever reached: no byte past it was handed out.
    high_water: usize = 0,
    /// Set when the probe sits in front of an arena: `used` is then the arena's newest
    /// node's end_index, and a refused request is left for the child's probe to report.
    arena: ?*std.heap.ArenaAllocator = null,
    /// The fixed buffer that offsets are counted from when it is not the probe's own (an
    /// arena's child's buffer).
    offsets_in: ?*std.heap.FixedBufferAllocator = null,

    fn noteEnd(self: *Probe) void {
        if (self.fba) |f| self.high_water = @max(self.high_water, f.end_index);
    }

    fn allocator(self: *Probe) std.mem.Allocator {
        return .{ .ptr = self, .vtable = &.{ .alloc = alloc, .resize = resize, .remap = remap, .free = free } };
    }

    fn alloc(ctx: *anyopaque, len: usize, alignment: Alignment, ra: usize) ?[*]u8 {
        const self: *Probe = @ptrCast(@alignCast(ctx));
        const used_before = self.used();
        const node_before = self.newestNode();
        const result = self.child.rawAlloc(len, alignment, ra);
        defer if (tracing) self.traceAlloc(result, len, alignment, used_before, node_before);
        if (result == null and self.arena != null) {
            // the child's probe has recorded the request that was refused
        } else if (result == null) {
            failure = .{
                .size = len,
                .alignment = alignment.toByteUnits(),
                .end_index = if (self.fba) |f| f.end_index else self.mapped,
                .buffer_len = if (self.fba) |f| f.buffer.len else 0,
            };
        } else if (self.count_pages) {
            self.mapped += wholePages(len);
        }
        self.noteEnd();
        return result;
    }

    fn resize(ctx: *anyopaque, buf: []u8, alignment: Alignment, new_len: usize, ra: usize) bool {
        const self: *Probe = @ptrCast(@alignCast(ctx));
        const used_before = self.used();
        const ok = self.child.rawResize(buf, alignment, new_len, ra);
        if (ok and self.count_pages) {
            self.mapped = self.mapped - wholePages(buf.len) + wholePages(new_len);
        }
        self.noteEnd();
        if (tracing) {
            traceLine("resize {s} site={s} offset={s} {d}->{d} ok={} used={d}->{d}", .{ self.name, site, self.offsetText(buf.ptr), buf.len, new_len, ok, used_before, self.used() });
        }
        return ok;
    }

    /// New in the vtable: resize that may move the block. A fixed buffer never moves it
    /// (it remaps exactly when it would resize); the page allocator may.
    fn remap(ctx: *anyopaque, buf: []u8, alignment: Alignment, new_len: usize, ra: usize) ?[*]u8 {
        const self: *Probe = @ptrCast(@alignCast(ctx));
        const used_before = self.used();
        const result = self.child.rawRemap(buf, alignment, new_len, ra);
        if (result != null and self.count_pages) {
            self.mapped = self.mapped - wholePages(buf.len) + wholePages(new_len);
        }
        self.noteEnd();
        if (tracing) {
            traceLine("remap {s} site={s} offset={s} {d}->{d} ok={} used={d}->{d}", .{ self.name, site, self.offsetText(buf.ptr), buf.len, new_len, result != null, used_before, self.used() });
        }
        return result;
    }

    fn free(ctx: *anyopaque, buf: []u8, alignment: Alignment, ra: usize) void {
        const self: *Probe = @ptrCast(@alignCast(ctx));
        const used_before = self.used();
        self.child.rawFree(buf, alignment, ra);
        if (self.count_pages) self.mapped -= wholePages(buf.len);
        if (tracing) {
            traceLine("free {s} site={s} offset={s} size={d} used={d}->{d}", .{ self.name, site, self.offsetText(buf.ptr), buf.len, used_before, self.used() });
        }
    }

    /// What the allocator counts as used: the fixed buffer's end_index, the arena's newest
    /// node's end_index, or the bytes mapped.
    fn used(self: *const Probe) usize {
        if (self.arena) |a| return a.state.end_index;
        return if (self.fba) |f| f.end_index else self.mapped;
    }

    /// The arena's newest node (0 for none, or when the probe is not in front of an arena).
    fn newestNode(self: *const Probe) usize {
        const a = self.arena orelse return 0;
        return if (a.state.buffer_list.first) |node| @intFromPtr(node) else 0;
    }

    /// A block's distance from the buffer's start; page mappings land where the kernel
    /// puts them, so they print `?`.
    fn offsetText(self: *const Probe, ptr: [*]u8) []const u8 {
        const f = self.fba orelse self.offsets_in orelse return "?";
        return std.fmt.bufPrint(&offset_text, "{d}", .{@intFromPtr(ptr) - @intFromPtr(f.buffer.ptr)}) catch unreachable;
    }

    fn traceAlloc(self: *Probe, result: ?[*]u8, len: usize, alignment: Alignment, used_before: usize, node_before: usize) void {
        const bytes = alignment.toByteUnits();
        const ptr = result orelse {
            traceLine("alloc_failed {s} site={s} size={d} align={d} used={d}", .{ self.name, site, len, bytes, used_before });
            return;
        };
        const padding = if (self.arena != null)
            self.used() - len - (if (self.newestNode() == node_before) used_before else 0)
        else if (self.fba) |f| @intFromPtr(ptr) - @intFromPtr(f.buffer.ptr) - used_before else wholePages(len) - len;
        traceLine("alloc {s} site={s} size={d} align={d} offset={s} padding={d} used={d}->{d}", .{ self.name, site, len, bytes, self.offsetText(ptr), padding, used_before, self.used() });
    }

    fn traceOpened(self: *const Probe) void {
        if (!tracing) return;
        if (self.arena != null) {
            traceLine("opened {s} arena size=-", .{self.name});
        } else if (self.fba) |f| {
            traceLine("opened {s} fixed size={d}", .{ self.name, f.buffer.len });
        } else {
            traceLine("opened {s} pages size=-", .{self.name});
        }
    }

    fn reset(self: *Probe) void {
        if (tracing) traceLine("reset {s} used={d}", .{ self.name, self.used() });
        self.fba.?.reset();
    }

    /// Resets the arena, keeping its capacity for the next set.
    fn resetArena(self: *Probe) void {
        const a = self.arena.?;
        const used_before = self.used();
        const capacity_before = a.queryCapacity();
        _ = a.reset(.retain_capacity);
        if (tracing) traceLine("reset {s} used={d} capacity={d}->{d}", .{ self.name, used_before, capacity_before, a.queryCapacity() });
    }
};

var tracing = false;
var offset_text: [24]u8 = undefined;

fn traceLine(comptime format: []const u8, args: anytype) void {
    std.io.getStdOut().writer().print("trace " ++ format ++ "\n", args) catch {};
}

const Failure = struct { size: usize, alignment: usize, end_index: usize, buffer_len: usize };
var failure: ?Failure = null;
var site: []const u8 = "";
var round_now: i64 = -1;

const Strategy = enum { naive, tempalloc, double, page, arena, @"arena-pages", arenas };

const directions = [4]Point2D{ .{ .x = 0, .y = -1 }, .{ .x = 0, .y = 1 }, .{ .x = -1, .y = 0 }, .{ .x = 1, .y = 0 } };

fn occupied(cells: *const CellSet, x: i32, y: i32) bool {
    return cells.contains(.{ .x = x, .y = y });
}

fn sideIsFree(cells: *const CellSet, p: Point2D, d: Point2D) bool {
    var side: i32 = -1;
    while (side <= 1) : (side += 1) {
        const q = if (d.y != 0) Point2D{ .x = p.x + side, .y = p.y + d.y } else Point2D{ .x = p.x + d.x, .y = p.y + side };
        if (occupied(cells, q.x, q.y)) return false;
    }
    return true;
}

fn proposal(cells: *const CellSet, p: Point2D, round: usize) Point2D {
    var alone = true;
    var dy: i32 = -1;
    while (dy <= 1) : (dy += 1) {
        var dx: i32 = -1;
        while (dx <= 1) : (dx += 1) {
            if ((dx != 0 or dy != 0) and occupied(cells, p.x + dx, p.y + dy)) alone = false;
        }
    }
    if (alone) return p;
    for (0..4) |turn| {
        const d = directions[(round + turn) % 4];
        if (sideIsFree(cells, p, d)) return .{ .x = p.x + d.x, .y = p.y + d.y };
    }
    return p;
}

/// Fills `new_cells` with every elf's tile after the round, visiting the old cells in slot
/// order. Returns whether any elf moved.
fn fillNext(cells: *const CellSet, new_cells: *CellSet, round: usize) bool {
    var moved = false;
    var it = cells.keyIterator();
    while (it.next()) |elf| {
        var target = proposal(cells, elf.*, round);
        if (target.x != elf.x or target.y != elf.y) {
            const beyond = Point2D{ .x = 2 * target.x - elf.x, .y = 2 * target.y - elf.y };
            const rival = cells.contains(beyond) and std.meta.eql(proposal(cells, beyond, round), target);
            if (rival) target = elf.* else moved = true;
        }
        new_cells.putAssumeCapacity(target, {});
    }
    return moved;
}

fn emptyGround(cells: *const CellSet) i64 {
    var min_x: i64 = std.math.maxInt(i64);
    var min_y: i64 = std.math.maxInt(i64);
    var max_x: i64 = std.math.minInt(i64);
    var max_y: i64 = std.math.minInt(i64);
    var it = cells.keyIterator();
    while (it.next()) |p| {
        min_x = @min(min_x, p.x);
        max_x = @max(max_x, p.x);
        min_y = @min(min_y, p.y);
        max_y = @max(max_y, p.y);
    }
    return (max_x - min_x + 1) * (max_y - min_y + 1) - @as(i64, cells.count());
}

const Options = struct {
    read_exact: bool = false,
    parse_grow: bool = false,
    free_input: bool = false,
};

fn parse(allocator: std.mem.Allocator, input: []const u8, grow: bool) !CellSet {
    var cells = CellSet.init(allocator);
    const count = std.mem.count(u8, input, "#");
    site = "grid.cells";
    if (!grow) try cells.ensureTotalCapacity(@intCast(count));
    var lines = std.mem.splitScalar(u8, input, '\n');
    var y: i32 = 0;
    while (lines.next()) |raw| : (y += 1) {
        const line = std.mem.trimRight(u8, raw, "\r");
        for (line, 0..) |c, x| {
            if (c != '#') continue;
            const elf = Point2D{ .x = @intCast(x), .y = y };
            if (grow) try cells.put(elf, {}) else cells.putAssumeCapacity(elf, {});
        }
    }
    return cells;
}

fn newBuffer(len: usize, offset: usize) ![]u8 {
    const mapping = try std.heap.page_allocator.alignedAlloc(u8, std.heap.page_size_min, len + offset);
    @memset(mapping, 0xAA);
    return mapping[offset..];
}

/// The file starts with "BUFS", u32 2, and the addresses of the main and the second buffer
/// (0 when there is none). Then snapshot records: "SNAP", u32 snapshot number, u32 buffer count, then per buffer
/// u64 address, u64 length, u64 dumped length, and the dumped bytes. Only the bytes below
/// the buffer's high-water mark are dumped: every byte above it is still the initial 0xAA.
const Dump = struct {
    file: ?std.fs.File,
    buffers: [2]?*Probe = .{ null, null },

    fn writeAddresses(self: *Dump) !void {
        const file = self.file orelse return;
        var w = file.writer();
        try w.writeAll("BUFS");
        try w.writeInt(u32, 2, .little);
        for (self.buffers) |maybe| {
            const address = if (maybe) |probe| @intFromPtr(probe.fba.?.buffer.ptr) else 0;
            try w.writeInt(u64, address, .little);
        }
    }

    fn write(self: *Dump, snapshot: usize) !void {
        const file = self.file orelse return;
        var count: u32 = 0;
        for (self.buffers) |b| count += @intFromBool(b != null);
        var buffered = std.io.bufferedWriter(file.writer());
        var w = buffered.writer();
        try w.writeAll("SNAP");
        try w.writeInt(u32, @as(u32, @intCast(snapshot)), .little);
        try w.writeInt(u32, count, .little);
        for (self.buffers) |maybe| {
            const probe = maybe orelse continue;
            const b = probe.fba.?.buffer;
            try w.writeInt(u64, @intFromPtr(b.ptr), .little);
            try w.writeInt(u64, b.len, .little);
            try w.writeInt(u64, probe.high_water, .little);
            try w.writeAll(b[0..probe.high_water]);
        }
        try buffered.flush();
    }
};

pub fn main() !void {
    const args = try std.process.argsAlloc(std.heap.page_allocator);
    if (args.len < 7) {
        std.debug.print("usage: day23 INPUT STRATEGY BUFFER_SIZE ROUNDS TEMP_SIZE BASE_OFFSET [DUMP_FILE]\n", .{});
        std.process.exit(2);
    }
    const strategy = std.meta.stringToEnum(Strategy, args[2]) orelse return error.UnknownStrategy;
    const buffer_size = try std.fmt.parseInt(usize, args[3], 10);
    const until_settled = std.mem.eql(u8, args[4], "part2");
    const rounds: usize = if (until_settled) std.math.maxInt(usize) else try std.fmt.parseInt(usize, args[4], 10);
    const temp_size = try std.fmt.parseInt(usize, args[5], 10);
    const base_offset = try std.fmt.parseInt(usize, args[6], 10);
    const dump_file = args.len > 7 and !std.mem.eql(u8, args[7], "-");
    var dump = Dump{ .file = if (dump_file) try std.fs.cwd().createFile(args[7], .{}) else null };
    var options = Options{};
    for (args[@min(args.len, 8)..]) |option| {
        if (std.mem.eql(u8, option, "--trace")) {
            tracing = true;
        } else if (std.mem.eql(u8, option, "--read=exact")) {
            options.read_exact = true;
        } else if (std.mem.eql(u8, option, "--parse=grow")) {
            options.parse_grow = true;
        } else if (std.mem.eql(u8, option, "--free-input")) {
            options.free_input = true;
        } else {
            std.debug.print("unknown option: {s}\n", .{option});
            std.process.exit(2);
        }
    }

    run(args[1], strategy, buffer_size, rounds, until_settled, temp_size, base_offset, &dump, options) catch |err| {
        if (err != error.OutOfMemory) return err;
        const f = failure orelse Failure{ .size = 0, .alignment = 0, .end_index = 0, .buffer_len = 0 };
        std.debug.print("error: OutOfMemory\noom: round={d} site={s} size={d} align={d} end_index={d} buffer_len={d}\n", .{ round_now, site, f.size, f.alignment, f.end_index, f.buffer_len });
        std.process.exit(1);
    };
}

/// The blog's author's own helper: stat the file, one allocation of exactly its size.
fn readExact(allocator: std.mem.Allocator, path: []const u8) ![]u8 {
    const file = try std.fs.cwd().openFile(path, .{});
    defer file.close();
    const size: usize = @intCast((try file.stat()).size);
    const bytes = try allocator.alloc(u8, size);
    const read = try file.readAll(bytes);
    return bytes[0..read];
}

fn run(path: []const u8, strategy: Strategy, buffer_size: usize, rounds: usize, until_settled: bool, temp_size: usize, base_offset: usize, dump: *Dump, options: Options) !void {
    const out = std.io.getStdOut().writer();
    var empty = [_]u8{};
    const none: []u8 = empty[0..];

    const on_pages = strategy == .page or strategy == .@"arena-pages" or strategy == .arenas;
    const uses_arena = strategy == .arena or strategy == .@"arena-pages" or strategy == .arenas;
    var main_fba = std.heap.FixedBufferAllocator.init(if (on_pages) none else try newBuffer(buffer_size, base_offset));
    var other_fba = std.heap.FixedBufferAllocator.init(if (strategy == .double) try newBuffer(buffer_size, base_offset) else none);
    const temp_buf = if (strategy == .tempalloc) try newBuffer(temp_size, 0) else none;

    var main_probe = Probe{ .child = main_fba.allocator(), .fba = &main_fba };
    if (on_pages) main_probe = Probe{ .name = "pages", .child = std.heap.page_allocator, .count_pages = true };
    var other_probe = Probe{ .name = "second", .child = other_fba.allocator(), .fba = &other_fba };
    // The arenas and their probes (unused unless the strategy is an arena one).
    var arena_a = std.heap.ArenaAllocator.init(main_probe.allocator());
    var arena_b = std.heap.ArenaAllocator.init(main_probe.allocator());
    var arena_probes = [2]Probe{
        .{ .name = if (strategy == .arenas) "arena-a" else "arena", .child = arena_a.allocator(), .arena = &arena_a, .offsets_in = if (strategy == .arena) &main_fba else null },
        .{ .name = "arena-b", .child = arena_b.allocator(), .arena = &arena_b },
    };
    const main_alloc = if (uses_arena) arena_probes[0].allocator() else main_probe.allocator();
    if (!on_pages) dump.buffers[0] = &main_probe;
    if (strategy == .double) dump.buffers[1] = &other_probe;
    try dump.writeAddresses();
    main_probe.traceOpened();
    if (strategy == .double) other_probe.traceOpened();
    if (uses_arena) arena_probes[0].traceOpened();
    if (strategy == .arenas) arena_probes[1].traceOpened();

    var input: []u8 = undefined;
    if (options.read_exact) {
        site = "the input (one exact alloc)";
        input = try readExact(main_alloc, path);
    } else {
        site = "the input (readFileAlloc)";
        input = try std.fs.cwd().readFileAlloc(main_alloc, path, std.math.maxInt(usize));
    }
    var cells = try parse(main_alloc, input, options.parse_grow);
    if (options.free_input) {
        site = "the input (freed after parsing)";
        main_alloc.free(input);
    }
    var current: usize = 0;

    var round: usize = 0;
    while (round < rounds) : (round += 1) {
        const memuse = switch (strategy) {
            .page, .@"arena-pages", .arenas => main_probe.mapped,
            .double => main_fba.end_index + other_fba.end_index,
            else => main_fba.end_index,
        };
        try out.print("Round {d} memuse: {d}\n", .{ round, memuse });
        try dump.write(round);
        round_now = @intCast(round);

        var moved = false;
        switch (strategy) {
            .naive, .page, .arena, .@"arena-pages" => {
                var new_cells = CellSet.init(main_alloc);
                site = "new_cells";
                try new_cells.ensureTotalCapacity(cells.count());
                moved = fillNext(&cells, &new_cells, round);
                site = "grid.cells";
                cells.deinit();
                cells = new_cells;
            },
            .tempalloc => {
                @memset(temp_buf, 0xAA);
                var temp_fba = std.heap.FixedBufferAllocator.init(temp_buf);
                var temp_probe = Probe{ .name = "temp", .child = temp_fba.allocator(), .fba = &temp_fba };
                temp_probe.traceOpened();
                var new_cells = CellSet.init(temp_probe.allocator());
                site = "new_cells (temporary buffer)";
                try new_cells.ensureTotalCapacity(cells.count());
                moved = fillNext(&cells, &new_cells, round);
                cells.clearRetainingCapacity();
                var it = new_cells.keyIterator();
                while (it.next()) |p| cells.putAssumeCapacity(p.*, {});
            },
            .double => {
                const target: usize = 1 - current;
                const probe = if (target == 0) &main_probe else &other_probe;
                probe.reset();
                var new_cells = CellSet.init(if (target == 0) main_alloc else other_probe.allocator());
                site = "new_cells (other buffer)";
                try new_cells.ensureTotalCapacity(cells.count());
                moved = fillNext(&cells, &new_cells, round);
                site = "grid.cells";
                cells.deinit();
                cells = new_cells;
                current = target;
            },
            .arenas => {
                const target: usize = 1 - current;
                const probe = &arena_probes[target];
                site = "reset (other arena)";
                probe.resetArena();
                var new_cells = CellSet.init(probe.allocator());
                site = "new_cells (other arena)";
                try new_cells.ensureTotalCapacity(cells.count());
                moved = fillNext(&cells, &new_cells, round);
                site = "grid.cells";
                cells.deinit();
                cells = new_cells;
                current = target;
            },
        }
        if (round + 1 == 10) try out.print("part1: {d}\n", .{emptyGround(&cells)});
        if (until_settled and !moved) {
            try out.print("part2: {d}\n", .{round + 1});
            round += 1;
            break;
        }
    }
    try dump.write(round);
}
