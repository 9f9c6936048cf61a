import sys


def _is_merge_driver(args: list[str]) -> bool:
    """git's own form of the merge driver's command (see rmnotes.merge_driver)."""
    return len(args) in (4, 5) and args[0] == "merge-file" and not any(a.startswith("-") for a in args[1:])


if __name__ == "__main__":
    if _is_merge_driver(sys.argv[1:]):
        from rmnotes.merge_driver import main as merge

        sys.exit(merge(sys.argv[2:]))
    from rmnotes.cli import main

    main()
