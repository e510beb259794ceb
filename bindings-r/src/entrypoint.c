/* Forwards R's routine registration to the Rust static library (extendr),
 * which also keeps the linker from dropping it. */
void R_init_ferroscore_extendr(void *dll);

void R_init_ferroscore(void *dll) { R_init_ferroscore_extendr(dll); }
