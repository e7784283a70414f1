using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace MailFlowTools.Tests.Surface;

/// <summary>One assembly file as the binder sees it, read from metadata only (nothing is loaded).</summary>
public sealed record ShippedAssembly(
    string Path,
    AssemblyName Identity,
    IReadOnlyList<AssemblyName> References,
    string? TargetFramework,
    IReadOnlyList<string> TypeNames,
    IReadOnlyDictionary<string, IReadOnlyList<string>> InterfacesByType)
{
    public string FileName => System.IO.Path.GetFileName(Path);

    public static ShippedAssembly Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var references = md.AssemblyReferences.Select(h => md.GetAssemblyReference(h).GetAssemblyName()).ToList();
        var types = new List<string>();
        var interfaces = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            var name = md.GetString(type.Namespace) + "." + md.GetString(type.Name);
            types.Add(name);
            interfaces[name] = type.GetInterfaceImplementations()
                .Select(i => TypeName(md, md.GetInterfaceImplementation(i).Interface))
                .ToList();
        }

        return new ShippedAssembly(path, md.GetAssemblyDefinition().GetAssemblyName(), references, ReadTargetFramework(md), types, interfaces);
    }

    private static string TypeName(MetadataReader md, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeReference => md.GetString(md.GetTypeReference((TypeReferenceHandle)handle).Namespace) + "." + md.GetString(md.GetTypeReference((TypeReferenceHandle)handle).Name),
        HandleKind.TypeDefinition => md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)handle).Namespace) + "." + md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)handle).Name),
        _ => "?",
    };

    /// <summary>[assembly: TargetFramework("…")]: the blob is the prolog 0x0001 and one serialized string (ECMA-335 II.23.3).</summary>
    private static string? ReadTargetFramework(MetadataReader md)
    {
        foreach (var handle in md.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = md.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var parent = md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (parent.Kind != HandleKind.TypeReference || md.GetString(md.GetTypeReference((TypeReferenceHandle)parent).Name) != "TargetFrameworkAttribute")
            {
                continue;
            }

            var blob = md.GetBlobReader(attribute.Value);
            if (blob.ReadUInt16() != 1)
            {
                throw new InvalidDataException("TargetFrameworkAttribute blob without the 0x0001 prolog.");
            }

            return blob.ReadSerializedString();
        }

        return null;
    }
}
