using System.IO;
using System.Text;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Smtp.Status;

/// <summary>Reads an NDR/DSN file with a size cap, turning I/O failures into stable errors.</summary>
public static class StatusInputFile
{
    public static string Read(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new MailFlowException(ErrorIds.NoStatusInInput, MailFlowErrorCategory.ObjectNotFound, $"The file '{path}' does not exist.", path, isInvalidInvocation: true);
            }

            using var stream = info.OpenRead();
            var buffer = new byte[(int)System.Math.Min(info.Length, SmtpStatusResolver.MaxInputLength)];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (IOException ex)
        {
            throw new MailFlowException(ErrorIds.NoStatusInInput, MailFlowErrorCategory.InvalidData, $"The file '{path}' could not be read: {ex.Message}", path, innerException: ex);
        }
        catch (System.UnauthorizedAccessException ex)
        {
            throw new MailFlowException(ErrorIds.NoStatusInInput, MailFlowErrorCategory.PermissionDenied, $"The file '{path}' could not be read: access denied.", path, innerException: ex);
        }
    }
}
