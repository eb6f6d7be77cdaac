import SparkMD5 from 'spark-md5'

/** md5 hex of a string (sequences and tile IDs are ASCII); browser-safe, unlike node:crypto. */
export function md5Hex(s: string): string {
  return SparkMD5.hash(s)
}
