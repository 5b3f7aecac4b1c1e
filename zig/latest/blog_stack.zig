//! The blog's own setup, for Zig 0.11.0 and for the newest Zig alike: the fixed buffer is a
//! 1 MiB array on main's stack (not a page-aligned mapping as in day23.zig), the input is
//! read with readFileAlloc, grid.cells is reserved and filled, and each step allocates the
//! next set before freeing the old one (no puzzle rules: only the allocations matter).
//! Prints the buffer's address modulo 8 and `Round i memuse: N` for three rounds.
//!
//! usage: blog_stack INPUT        (build it -O Debug to see what the blog saw)

const std = @import("std");
const builtin = @import("builtin");

/// 0.15 and later pass `std.process.Init` (with the `std.Io` every file call needs) to main.
const new_api = builtin.zig_version.order(.{ .major = 0, .minor = 15, .patch = 0 }) != .lt;

const Point2D = struct { x: i32, y: i32 };
const CellSet = std.AutoHashMap(Point2D, void);

pub const main = if (new_api) mainNew else mainOld;

fn mainOld() !void {
    var buffer: [1 << 20]u8 = undefined;
    var fba = std.heap.FixedBufferAllocator.init(&buffer);
    const allocator = fba.allocator();
    const args = try std.process.argsAlloc(std.heap.page_allocator);
    const input = try std.fs.cwd().readFileAlloc(allocator, args[1], std.math.maxInt(usize));
    const out = std.io.getStdOut().writer();
    try out.print("buffer address mod 8: {d} (mod 16: {d})\n", .{ @intFromPtr(&buffer) % 8, @intFromPtr(&buffer) % 16 });
    try steps(allocator, &fba, input, out);
}

fn mainNew(init: std.process.Init) !void {
    var buffer: [1 << 20]u8 = undefined;
    var fba = std.heap.FixedBufferAllocator.init(&buffer);
    const allocator = fba.allocator();
    const args = try init.minimal.args.toSlice(init.arena.allocator());
    const input = try std.Io.Dir.cwd().readFileAlloc(init.io, args[1], allocator, .unlimited);
    var text: [256]u8 = undefined;
    var stdout = std.Io.File.stdout().writerStreaming(init.io, &text);
    const out = &stdout.interface;
    try out.print("buffer address mod 8: {d} (mod 16: {d})\n", .{ @intFromPtr(&buffer) % 8, @intFromPtr(&buffer) % 16 });
    try steps(allocator, &fba, input, out);
    try out.flush();
}

fn steps(allocator: std.mem.Allocator, fba: *std.heap.FixedBufferAllocator, input: []const u8, out: anytype) !void {
    var cells = CellSet.init(allocator);
    try cells.ensureTotalCapacity(@intCast(std.mem.count(u8, input, "#")));
    var lines = std.mem.splitScalar(u8, input, '\n');
    var y: i32 = 0;
    while (lines.next()) |line| : (y += 1) {
        for (line, 0..) |c, x| {
            if (c == '#') cells.putAssumeCapacity(.{ .x = @intCast(x), .y = y }, {});
        }
    }
    for (0..3) |round| {
        try out.print("Round {d} memuse: {d}\n", .{ round, fba.end_index });
        var next = CellSet.init(allocator);
        try next.ensureTotalCapacity(cells.count());
        var it = cells.keyIterator();
        while (it.next()) |p| next.putAssumeCapacity(p.*, {});
        cells.deinit();
        cells = next;
    }
}
