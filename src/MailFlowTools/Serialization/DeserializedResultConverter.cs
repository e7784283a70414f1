using System;
using System.Management.Automation;

namespace MailFlowTools.Serialization;

/// <summary>
/// Turns a result that travelled through a job, remoting or Import-Clixml (a <c>Deserialized.MailFlowTools…</c>
/// property bag) back into the live result type. MailFlowTools.Types.ps1xml names the live type as the bag's
/// TargetTypeForDeserialization and this class as the live type's converter, so PowerShell rehydrates on arrival.
/// </summary>
public sealed class DeserializedResultConverter : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        sourceValue is PSObject bag && ResultRebuilder.IsDeserializedForm(bag, destinationType);

    public override object? ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        ResultRebuilder.Rebuild(sourceValue, destinationType);

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new InvalidCastException("MailFlowTools results convert only from their deserialized form.");
}
