/* first occurrence of d/ ends at the last slash */ int h3;
