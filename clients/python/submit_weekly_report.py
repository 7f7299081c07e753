"""Send a week's report from the command line: the first weekly report due for your unit
(or --period), with its text, one activity record, photos and videos; then submit.

  python submit_weekly_report.py --url http://127.0.0.1:8000 --token ax_… \\
      --text "本周开展安全宣传咨询活动。" --activity 安全宣传咨询日 --people 120 现场1.jpg 演练.mp4

Videos and files over 20 MB go up resumably (tus); a dropped connection resumes by itself.
"""

import argparse
import os
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from anxuan_client import AnxuanError, Client

RESUMABLE_FROM = 20 * 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="Anxuan's address")
    parser.add_argument("--token", default=os.environ.get("ANXUAN_TOKEN"), help="API token")
    parser.add_argument("--period", type=int, help="the period's id (default: first due)")
    parser.add_argument("--text", required=True, help="the report's text")
    parser.add_argument("--activity", help="activity type of one activity record")
    parser.add_argument("--domain", default="", help="七进 domain of the activity")
    parser.add_argument("--place", default="")
    parser.add_argument("--people", type=int, default=0, help="people reached")
    parser.add_argument(
        "--held-on", default=datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    )
    parser.add_argument("files", nargs="*", help="photos, videos and documents")
    args = parser.parse_args()
    if not args.token:
        parser.error("give --token or set ANXUAN_TOKEN")

    client = Client(args.url, args.token)
    try:
        due = [
            row
            for row in client.due()
            if row["requirement"]["kind"] == "weekly"
            and (row["period"]["id"] == args.period if args.period else row["state"] != "submitted")
        ]
        if not due:
            print("没有待报送的周报。 Nothing weekly is due.", file=sys.stderr)
            return 1
        row = due[0]
        activities = (
            [
                {
                    "held_on": args.held_on,
                    "activity_type": args.activity,
                    "domain": args.domain,
                    "place": args.place,
                    "people_reached": args.people,
                }
            ]
            if args.activity
            else []
        )
        draft = client.create_draft(
            participant_id=row["participant"]["id"],
            period_id=row["period"]["id"],
            text=args.text,
            activities=activities,
        )
        for path in args.files:
            big = os.path.getsize(path) > RESUMABLE_FROM or path.lower().endswith((".mp4", ".mov"))
            sent = (
                client.upload_resumable(draft["id"], path)
                if big
                else client.upload(draft["id"], path)
            )
            print(
                f"{sent['original_name']}: {sent['kind']}, {sent['size']} bytes, "
                f"SHA-256 {sent['sha256'][:12]}…"
            )
        result = client.submit(draft["id"])
    except AnxuanError as exc:
        print(f"{exc.message}（{exc.message_en}）", file=sys.stderr)
        for field, messages in exc.fields.items():
            print(f"  {field}: {'；'.join(messages)}", file=sys.stderr)
        return 2
    finally:
        client.close()
    submission, version = result["submission"], result["version"]
    print(
        f"{row['participant']['organization']['name']} {row['period']['label']}: "
        f"version {version['number']}, {submission['state']}, {submission['timeliness']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
