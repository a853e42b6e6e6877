// The viewer's IANA time zone, so ShipRoom can show times in UTC and local time.
export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
