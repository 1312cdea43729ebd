/* A program outside the tree: built with only `pkg-config --cflags --libs numbering`. */
#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>

int main(void)
{
	numbering_number *n = NULL;
	if (numbering_number_new(&n) != NUMBERING_OK)
		return 1;
	int rc = numbering_e164_parse(n, "02 5550 1100", "AU");
	printf("%s %s\n", numbering_version(), rc == NUMBERING_OK ? numbering_number_e164(n) : numbering_error_message());
	int ok = rc == NUMBERING_OK && strcmp(numbering_number_e164(n), "+61255501100") == 0;
	numbering_number_free(n);
	return ok ? 0 : 1;
}
