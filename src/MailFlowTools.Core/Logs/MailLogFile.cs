using System;
using System.IO;
using System.Text;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Logs;

/// <summary>Opens a log, queue listing or NDR file for streaming, turning I/O failures into stable errors.</summary>
public static class MailLogFile
{
    /// <summary>A missing file is an invalid invocation; an unreadable one is an item error.</summary>
    public static StreamReader Open(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                throw new MailFlowException(ErrorIds.NoStatusInInput, MailFlowErrorCategory.ObjectNotFound, $"The file '{path}' does not exist.", path, isInvalidInvocation: true);
            }

            return new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: BoundedLineReader.BufferLength);
        }
        catch (IOException ex)
        {
            throw new MailFlowException(ErrorIds.NoStatusInInput, MailFlowErrorCategory.InvalidData, $"The file '{path}' could not be read: {ex.Message}", path, innerException: ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new MailFlowException(ErrorIds.NoStatusInInput, MailFlowErrorCategory.PermissionDenied, $"The file '{path}' could not be read: access denied.", path, innerException: ex);
        }
    }
}
