//! Run a command and write its peak resident set size, in KiB, and its wait status to a file.
//!
//! A child's peak starts at the size of the process that forked it, so a command started
//! straight from the (large) Python bench would never report less than the bench itself.
//! Started from this small program instead, it reports its own figure. Linux only (wait4).
//!
//! usage: maxrss REPORT_FILE COMMAND [ARGUMENT...]
const std = @import("std");
const linux = std.os.linux;

pub fn main() !u8 {
    const argv = std.os.argv;
    if (argv.len < 3) {
        std.debug.print("usage: maxrss REPORT_FILE COMMAND [ARGUMENT...]\n", .{});
        return 2;
    }
    const pid = try std.os.fork();
    if (pid == 0) {
        const command: [*:null]const ?[*:0]const u8 = @ptrCast(argv.ptr + 2);
        const environment: [*:null]const ?[*:0]const u8 = @ptrCast(std.os.environ.ptr);
        const failure = std.os.execvpeZ(argv[2], command, environment);
        std.debug.print("maxrss: cannot run {s}: {s}\n", .{ argv[2], @errorName(failure) });
        std.os.exit(127);
    }
    var status: u32 = 0;
    var usage: linux.rusage = undefined;
    _ = linux.wait4(pid, &status, 0, &usage);
    const report = try std.fs.cwd().createFileZ(argv[1], .{});
    defer report.close();
    try report.writer().print("{d} {d}\n", .{ usage.maxrss, status });
    return 0;
}
