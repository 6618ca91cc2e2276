"""Command line: ``radiant-emulator serve`` and ``radiant-emulator sample-org``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="radiant-emulator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the emulator on 127.0.0.1 until SIGTERM")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    serve.add_argument("--access-log", action="store_true", help="log every request to stderr")
    serve.add_argument("--realism", choices=("on", "off"), default=None,
                       help="AWS's asynchrony and delays (default on; off only for debugging)")
    serve.add_argument("--latency-ms", type=float, default=None, help="added to every AWS request (default 0)")

    org = commands.add_parser(
        "sample-org", help="build a sample organization in a running emulator and write its inventory"
    )
    org.add_argument("--endpoint", required=True, help="emulator URL printed by 'serve'")
    org.add_argument("--members", type=int, default=8, help="member accounts (default 8)")
    org.add_argument("--suspended", type=int, default=1, help="suspended accounts (default 1)")
    org.add_argument("--outside", type=int, default=2, help="accounts outside the organization (default 2)")
    org.add_argument("--regions", default="us-east-1,us-west-2", help="comma-separated regions")
    org.add_argument("--company", default="example", help="company name used for bucket names")
    org.add_argument("--inventory", default="accounts.yml", help="inventory file to write")
    org.add_argument("--outside-csv", default=None, help="also write outside accounts as 'Account ID,Email' CSV")

    args = parser.parse_args(argv)
    if args.command == "serve":
        from . import realism
        from .server import serve as run

        settings = {"enabled": args.realism, "latency_ms": args.latency_ms}
        realism.configure({name: value for name, value in settings.items() if value is not None})
        run(args.host, args.port, access_log=args.access_log)
        return 0

    from .sample_org import SampleOrgSpec, build_sample_org, write_inventory, write_outside_csv

    spec = SampleOrgSpec(
        members=args.members,
        suspended=args.suspended,
        outside=args.outside,
        regions=[r.strip() for r in args.regions.split(",") if r.strip()],
        company=args.company,
    )
    org_info = build_sample_org(args.endpoint, spec)
    write_inventory(org_info, args.inventory, args.endpoint)
    if args.outside_csv:
        write_outside_csv(org_info, args.outside_csv)
    print(
        f"organization {org_info['organization_id']}: management {org_info['management']['id']}, "
        f"log account {org_info['log_account']['id']}, {len(org_info['members'])} members, "
        f"{len(org_info['suspended'])} suspended, {len(org_info['outside'])} outside; "
        f"inventory written to {args.inventory}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
