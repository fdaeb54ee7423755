source_d/sub/c.o := d/sub/c.c
deps_d/sub/c.o := \
  d/sub/c.h \
  d/sub/c.h \

  d/sub/never.h \
