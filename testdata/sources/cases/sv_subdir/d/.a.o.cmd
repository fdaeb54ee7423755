savedcmd_d/a.o := gcc

  	source_d/a.o := gcc -c -o d/a.o   d/a.c

deps_d/a.o := \
  d/a.h \
    $(wildcard include/config/FOO) \
  include/never.h \
  x/d/h3.h \
  d/d/h4.h \
  d/sub/never.h \
	d/tab.h	\
  d/a.h \
  d/end.h
  d/never-after-end.h \

d/a.o: $(deps_d/a.o)

$(deps_d/a.o):
