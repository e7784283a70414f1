# Deliberately broken manifest: a missing closing brace and a stray '='.
@{
    ModuleVersion = = '1.0'
    CmdletsToExport = @('A', 'B'
