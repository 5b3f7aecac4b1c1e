from aoc23.cli import entry

entry()
