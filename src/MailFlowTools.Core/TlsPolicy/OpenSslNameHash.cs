#if NET8_0_OR_GREATER
using System;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// OpenSSL's subject-name hash (X509_NAME_hash_ex, the "hash" of <c>c_rehash</c> link names such as 2e5ac55d.0):
/// SHA-1 over the canonical encoding of a Name, first four bytes little-endian. The canonical encoding is every
/// RDN's SET re-encoded with string values as UTF8String, trimmed, inner whitespace runs collapsed to one space and
/// ASCII lower-cased, without the outer SEQUENCE. Names that OpenSSL matches as equal get the same hash, so the
/// hash finds every candidate issuer; the chain builder still compares names and signatures itself.
/// </summary>
internal static class OpenSslNameHash
{
    /// <summary>The hash of a DER Name, or null when the bytes are not a Name.</summary>
    public static uint? Compute(ReadOnlySpan<byte> name)
    {
        byte[] canonical;
        try
        {
            canonical = Canonical(name);
        }
        catch (AsnContentException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }

        Span<byte> digest = stackalloc byte[20];
#pragma warning disable CA5350 // OpenSSL names its lookup links by SHA-1; a file name, not a security use.
        SHA1.HashData(canonical, digest);
#pragma warning restore CA5350
        return (uint)(digest[0] | (digest[1] << 8) | (digest[2] << 16) | (digest[3] << 24));
    }

    private static byte[] Canonical(ReadOnlySpan<byte> name)
    {
        var reader = new AsnReader(name.ToArray(), AsnEncodingRules.BER);
        var rdns = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var output = new AsnWriter(AsnEncodingRules.DER);
        while (rdns.HasData)
        {
            var set = rdns.ReadSetOf(skipSortOrderValidation: true);
            using (output.PushSetOf())
            {
                while (set.HasData)
                {
                    var attribute = set.ReadSequence();
                    var type = attribute.ReadObjectIdentifier();
                    var tag = attribute.PeekTag();
                    var value = attribute.ReadEncodedValue();
                    using (output.PushSequence())
                    {
                        output.WriteObjectIdentifier(type);
                        if (CanonicalText(tag, value.Span) is { } text)
                        {
                            output.WriteCharacterString(UniversalTagNumber.UTF8String, text);
                        }
                        else
                        {
                            output.WriteEncodedValue(value.Span);
                        }
                    }
                }
            }
        }

        // The canonical form is the RDN SETs one after another: drop nothing else.
        return output.Encode();
    }

    /// <summary>The canonical text of a string value; null for a value that is not one of the string types OpenSSL folds.</summary>
    private static string? CanonicalText(Asn1Tag tag, ReadOnlySpan<byte> encoded)
    {
        if (tag.TagClass != TagClass.Universal || tag.IsConstructed)
        {
            return null;
        }

        // Character strings are primitive: the contents follow the tag and length.
        AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.BER, out var offset, out var length, out _);
        var content = encoded.Slice(offset, length);
        string text;
        switch ((UniversalTagNumber)tag.TagValue)
        {
            case UniversalTagNumber.UTF8String:
                text = Encoding.UTF8.GetString(content);
                break;
            case UniversalTagNumber.BMPString:
                text = Encoding.BigEndianUnicode.GetString(content);
                break;
            case UniversalTagNumber.UniversalString:
                text = new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetString(content);
                break;
            case UniversalTagNumber.PrintableString:
            case UniversalTagNumber.T61String:
            case UniversalTagNumber.IA5String:
            case UniversalTagNumber.VisibleString:
                // One byte a character, read as Latin-1, as ASN1_STRING_to_UTF8 does.
                text = Encoding.Latin1.GetString(content);
                break;
            default:
                return null;
        }

        return Fold(text);
    }

    /// <summary>Trim ASCII whitespace, collapse inner runs to one space, lower-case ASCII letters; other characters stay.</summary>
    private static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        var start = 0;
        var end = text.Length;
        while (start < end && IsSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsSpace(text[end - 1]))
        {
            end--;
        }

        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (IsSpace(c))
            {
                builder.Append(' ');
                while (i + 1 < end && IsSpace(text[i + 1]))
                {
                    i++;
                }
            }
            else
            {
                builder.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
            }
        }

        return builder.ToString();
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
#endif
