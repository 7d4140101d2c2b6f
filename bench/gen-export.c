/* Writes a large synthetic IFS export (UTF-8, ';', CRLF) for benchmarks:
 * gen-export RESPONDENTS > export.csv.  Ten questions, answers as labels,
 * with Vet ej and blanks, women, men and unstated gender, as in real exports. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	static const char *const labels[] = {
		"Inte alls", "Till liten del", "Till viss del", "Till stor del",
		"Till mycket stor del", "Helt och hållet", "Vet ej / Ej aktuellt", "",
	};
	static const char *const insatser[] = {"FIA", "Enter", "NOVA", "IT-spåret", "Samverkansteam"};
	static const char *const genders[] = {"Kvinna", "Man", "", "Annat"};
	long respondents = argc > 1 ? atol(argv[1]) : 1000000;
	unsigned long state = 12345;
	fputs("Respondent-ID;Svarsdatum;Insats;Enkät;Kön;Ålder;F1;F2;F3;F4;F5;F6;F7;F8;F9;F10\r\n", stdout);
	for (long r = 0; r < respondents; r++) {
		state = state * 6364136223846793005ul + 1442695040888963407ul;
		unsigned long bits = state >> 20;
		printf("R-%07ld;20%02lu-%02lu-%02lu;%s;%s;%s;%lu", r, 18 + bits % 6, 1 + (bits >> 3) % 12,
		       1 + (bits >> 7) % 28, insatser[(bits >> 12) % 5], (bits >> 15) & 1 ? "Avslutad" : "Pågående",
		       genders[(bits >> 16) % 4], 18 + (bits >> 18) % 50);
		for (int q = 0; q < 10; q++) {
			state = state * 6364136223846793005ul + 1442695040888963407ul;
			unsigned long pick = (state >> 33) % 20;
			/* Mostly positive answers, a few Vet ej and blanks. */
			int level = pick < 8 ? 5 : pick < 14 ? 4 : pick < 17 ? 3 : pick < 18 ? (int)(pick % 3) : pick == 18 ? 6 : 7;
			printf(";%s", labels[level]);
		}
		fputs("\r\n", stdout);
	}
	return ferror(stdout) ? 1 : 0;
}
