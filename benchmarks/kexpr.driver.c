// Per-site filter cost in BGT: parse once, then per site set AN, AC, AN1, AC1, AN2, AC2 with
// ke_set_int (as bgtm_assign_expr in BGT's bgt.c does) and evaluate with ke_eval_int.
// Built by expr.bench.ts against kexpr.c from ../shared/peers/bgt-93ce0c9.tar.gz.
// Usage: kexpr-bench EXPR SITES; prints the number of passing sites and the seconds taken.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "kexpr.h"

int main(int argc, char *argv[])
{
	int err, i, n, pass = 0;
	kexpr_t *ke;
	struct timespec t0, t1;
	if (argc < 3) return 1;
	ke = ke_parse(argv[1], &err);
	if (err) return 2;
	ke_set_default_func(ke);
	n = atoi(argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; ++i) {
		// the same synthetic counts as the JavaScript side
		int ac1 = (i * 7) % 199, ac2 = (i * 13) % 5, an1 = 198, an2 = 182;
		ke_set_int(ke, "AN", an1 + an2);
		ke_set_int(ke, "AC", ac1 + ac2);
		ke_set_int(ke, "AN1", an1);
		ke_set_int(ke, "AC1", ac1);
		ke_set_int(ke, "AN2", an2);
		ke_set_int(ke, "AC2", ac2);
		if (ke_eval_int(ke, &err) && !err) ++pass;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%d %.6f\n", pass, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
	ke_destroy(ke);
	return 0;
}
