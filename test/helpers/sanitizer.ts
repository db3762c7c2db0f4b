/**
 * Whether this run is scripts/asan.sh's: the addon built with AddressSanitizer, its runtime preloaded into every Node
 * process. There everything runs a few times slower, and LeakSanitizer scans each process's whole heap when it
 * exits, which takes minutes for a child that loaded ts-node: tests whose limits are times scale or drop them then
 * (the normal suite checks the times; the sanitizer run checks memory).
 */
export const UNDER_ASAN = /libasan/.test(process.env.LD_PRELOAD ?? '');
