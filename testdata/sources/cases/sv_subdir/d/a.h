#define A_H "a h"
