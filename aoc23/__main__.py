from aoc23.launch import entry

entry()
