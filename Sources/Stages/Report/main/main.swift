import BuildProvenance
import Report
import PipelineCore

StageMain.run(ReportStage.self, codeTable: codeTable)
