# Layers the build enforces. Each folder of engines/ and bench/ is a layer that may
# include its own headers and those of the layers below it, and nothing else: its
# target's include path is a view (a folder of symbolic links under
# build/<preset>/layers/<target>/) holding only those folders, so an upward include
# ("core/..." including "locks/...") is "file not found", not a quiet dependency.
#
#   swlab_layer(<target> <root>/<folder> [SOURCES ...] [DEPENDS <lower layer> ...])
#
# A layer with sources is an OBJECT library (the objects are archived together by the
# caller); one without is an INTERFACE library (header-only: engines/platform).
function(swlab_layer name folder)
  cmake_parse_arguments(L "" "" "SOURCES;DEPENDS" ${ARGN})
  set(folders ${folder})
  foreach(dep ${L_DEPENDS})
    get_property(dep_folders GLOBAL PROPERTY SWLAB_LAYER_FOLDERS_${dep})
    list(APPEND folders ${dep_folders})
  endforeach()
  list(REMOVE_DUPLICATES folders)
  set_property(GLOBAL PROPERTY SWLAB_LAYER_FOLDERS_${name} ${folders})
  set(view ${CMAKE_BINARY_DIR}/layers/${name})
  swlab_layer_view(${view} ${folders})
  if(L_SOURCES)
    add_library(${name} OBJECT ${L_SOURCES})
    target_include_directories(${name} PUBLIC ${view})
    target_link_libraries(${name} PUBLIC ${L_DEPENDS})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${view})
    target_link_libraries(${name} INTERFACE ${L_DEPENDS})
  endif()
endfunction()

# A folder of symbolic links, one per source folder (named for its last component).
function(swlab_layer_view view)
  file(MAKE_DIRECTORY ${view})
  foreach(f ${ARGN})
    get_filename_component(leaf ${f} NAME)
    if(NOT IS_SYMLINK ${view}/${leaf})
      file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${f} ${view}/${leaf} SYMBOLIC)
    endif()
  endforeach()
endfunction()

# The folders of every layer named, as one view: what a consumer of them all sees.
function(swlab_layers_view view)
  set(folders)
  foreach(layer ${ARGN})
    get_property(f GLOBAL PROPERTY SWLAB_LAYER_FOLDERS_${layer})
    list(APPEND folders ${f})
  endforeach()
  list(REMOVE_DUPLICATES folders)
  swlab_layer_view(${view} ${folders})
endfunction()
