from aoc23.cli import main

main(prog_name="aoc23")
