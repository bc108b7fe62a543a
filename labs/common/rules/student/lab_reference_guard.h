// On the include path of every build of a student's files (labs/CMakeLists.txt): the
// reference solutions include this header, so a student's file that includes one of
// them stops the build here. A compile-time check of the lab's rule, not a search of
// the source: it holds however the file is reached (a relative path, a macro).
#error "lab rule broken: your files include the reference solution (labs/labN/solution/); the lab is to write it"
